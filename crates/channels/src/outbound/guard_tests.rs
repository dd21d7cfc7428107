//! A hop's client connects to the addresses it was given and looks nothing up itself, so
//! what was checked is what is reached (no DNS rebinding between check and connect).

use std::net::SocketAddr;

use reqwest::Url;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::client;

/// Answers one request with 200 and `pinned`.
async fn server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer).await;
            let _ = stream
                .write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\npinned",
                )
                .await;
        }
    });
    addr
}

#[tokio::test]
async fn a_hop_reaches_the_checked_address_and_resolves_nothing_else() {
    let addr = server().await;
    // `.invalid` never resolves: only the address given to the client can be reached.
    let url = Url::parse(&format!("http://media.invalid:{}/a.jpg", addr.port())).unwrap();
    let pinned = client(&url, &[addr], "test").unwrap();
    let answer = pinned.get(url.clone()).send().await.unwrap();
    assert_eq!(answer.text().await.unwrap(), "pinned");

    // Another name through the same client is not looked up.
    let other = Url::parse(&format!("http://localhost:{}/a.jpg", addr.port())).unwrap();
    let error = pinned.get(other).send().await.unwrap_err();
    assert!(error.is_connect() || error.is_request(), "{error:?}");
}
