//! A minimal SMTP sink for the e-mail tests: it greets, takes EHLO/HELO, MAIL, RCPT, DATA,
//! RSET, NOOP and QUIT, records each transaction before acknowledging its data, and can
//! refuse every recipient with a configured reply.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One SMTP transaction the sink received.
#[derive(Debug, Clone, Default)]
pub struct SmtpSession {
    pub helo: String,
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message as sent after `DATA`, dot-stuffing undone.
    pub data: Vec<u8>,
}

/// A minimal SMTP server: 220, EHLO/HELO, MAIL, RCPT, DATA, QUIT (and RSET, NOOP).
pub struct SmtpSink {
    pub port: u16,
    sessions: Arc<Mutex<Vec<SmtpSession>>>,
}

impl SmtpSink {
    /// `reject_rcpt`: the full reply line (e.g. `550 5.1.1 <a@b> unknown`) RCPT gets.
    pub async fn start(reject_rcpt: Option<&'static str>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let sessions = Arc::new(Mutex::new(Vec::new()));
        let store = Arc::clone(&sessions);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(smtp_session(stream, reject_rcpt, Arc::clone(&store)));
            }
        });
        Self { port, sessions }
    }

    pub fn sessions(&self) -> Vec<SmtpSession> {
        self.sessions.lock().unwrap().clone()
    }
}

async fn smtp_session(
    stream: tokio::net::TcpStream,
    reject_rcpt: Option<&'static str>,
    store: Arc<Mutex<Vec<SmtpSession>>>,
) {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut session = SmtpSession::default();
    let reply = |line: &str| format!("{line}\r\n").into_bytes();
    write
        .write_all(&reply("220 sink ESMTP ready"))
        .await
        .unwrap();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let command = String::from_utf8_lossy(&line).trim_end().to_owned();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let answer = match verb.as_str() {
            "EHLO" => {
                session.helo = command[4..].trim().to_owned();
                "250-sink greets you\r\n250-8BITMIME\r\n250 SMTPUTF8".to_owned()
            }
            "HELO" => {
                session.helo = command[4..].trim().to_owned();
                "250 sink".to_owned()
            }
            "MAIL" => {
                session.mail_from = angle(&command);
                "250 2.1.0 ok".to_owned()
            }
            "RCPT" => match reject_rcpt {
                Some(rejection) => rejection.to_owned(),
                None => {
                    session.rcpt_to.push(angle(&command));
                    "250 2.1.5 ok".to_owned()
                }
            },
            "DATA" => {
                write.write_all(&reply("354 end with .")).await.unwrap();
                session.data = read_data(&mut reader).await;
                store.lock().unwrap().push(session.clone());
                "250 2.0.0 queued".to_owned()
            }
            "RSET" => {
                session = SmtpSession {
                    helo: session.helo.clone(),
                    ..SmtpSession::default()
                };
                "250 ok".to_owned()
            }
            "NOOP" => "250 ok".to_owned(),
            "QUIT" => {
                let _ = write.write_all(&reply("221 bye")).await;
                return;
            }
            _ => "500 unknown command".to_owned(),
        };
        write.write_all(&reply(&answer)).await.unwrap();
    }
}

/// The text between `<` and `>` of a MAIL/RCPT command.
fn angle(command: &str) -> String {
    let start = command.find('<').map_or(0, |i| i + 1);
    let end = command[start..]
        .find('>')
        .map_or(command.len(), |i| start + i);
    command[start..end].to_owned()
}

async fn read_data<R: tokio::io::AsyncBufRead + Unpin>(reader: &mut R) -> Vec<u8> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await.unwrap_or(0) == 0 {
            return data;
        }
        if line == b".\r\n" {
            return data;
        }
        let content = if line.starts_with(b"..") {
            &line[1..]
        } else {
            &line[..]
        };
        data.extend_from_slice(content);
    }
}
