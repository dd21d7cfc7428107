//! The pure parts of delivery: tweet cutting, the Meta network heuristic, Message-IDs and
//! the provider error codes kept in messages. The calls themselves are tested against
//! local servers in `tests/outbound*.rs`.

use aduan_domain::Channel;

use super::email::{message_id, parent_id};
use super::http::provider_code;
use super::meta::{Network, comment_network};
use super::x::{TWEET_LIMIT, tweet_text, weighted_len};

#[test]
fn a_short_tweet_is_kept_and_gets_its_ticket() {
    assert_eq!(
        tweet_text("Laporan JK2611280001 sedang ditangani.", "JK2611280001"),
        "Laporan JK2611280001 sedang ditangani."
    );
    assert_eq!(
        tweet_text("Laporan Anda sedang ditangani.", "JK2611280001"),
        "Laporan Anda sedang ditangani. JK2611280001"
    );
}

#[test]
fn a_long_tweet_is_cut_at_a_word_and_ends_with_the_ticket() {
    let text = "Terima kasih, laporan Anda tentang pohon tumbang di jalan sudah diteruskan \
                ke unit terkait. "
        .repeat(5);
    let tweet = tweet_text(&text, "JK2611280001");
    assert!(
        weighted_len(&tweet) <= TWEET_LIMIT,
        "{}",
        weighted_len(&tweet)
    );
    assert!(tweet.ends_with("… JK2611280001"), "{tweet}");
    let head = tweet.trim_end_matches("… JK2611280001");
    assert!(text.starts_with(head));
    // The cut falls between words: the next character of the original is a space.
    assert!(text[head.len()..].starts_with(' ') || text[head.len()..].starts_with(", "));
    assert!(
        weighted_len(&tweet) > TWEET_LIMIT - 20,
        "cut too short: {tweet}"
    );
}

#[test]
fn a_single_long_word_is_cut_inside_it() {
    let tweet = tweet_text(&"a".repeat(400), "JK1");
    assert_eq!(weighted_len(&tweet), TWEET_LIMIT);
    assert!(tweet.ends_with("aaa… JK1"));
}

#[test]
fn emoji_and_other_scripts_count_double() {
    assert_eq!(weighted_len("abc"), 3);
    assert_eq!(weighted_len("🙏"), 2);
    assert_eq!(weighted_len("日本"), 4);
    let tweet = tweet_text(&"🙏 ".repeat(200), "JK1");
    assert!(weighted_len(&tweet) <= TWEET_LIMIT);
    assert!(tweet.ends_with("… JK1"));
}

#[test]
fn governor_comments_are_facebook_when_shaped_post_underscore_comment() {
    let governor = Channel::parse("governor_social").unwrap();
    assert_eq!(
        comment_network(governor, "123456789_987654321"),
        Network::Facebook
    );
    assert_eq!(
        comment_network(governor, "17858893269000001"),
        Network::Instagram
    );
    assert_eq!(comment_network(governor, "12_34_56"), Network::Instagram);
    assert_eq!(comment_network(governor, "abc_123"), Network::Instagram);
    assert_eq!(comment_network(Channel::Facebook, "1"), Network::Facebook);
    assert_eq!(
        comment_network(Channel::Instagram, "1_2"),
        Network::Instagram
    );
}

#[test]
fn message_ids_come_from_the_key() {
    assert_eq!(
        message_id("outbox-42", "jakarta.go.id"),
        "<outbox-42@jakarta.go.id>"
    );
    assert_eq!(
        message_id("a b<c>@d", "jakarta.go.id"),
        "<a=20b=3Cc=3E=40d@jakarta.go.id>"
    );
    assert_eq!(message_id("", "x.id"), "<aduan@x.id>");
}

#[test]
fn only_real_message_ids_thread_answers() {
    assert_eq!(
        parent_id("CAF1234.5678@mail.example.id").as_deref(),
        Some("<CAF1234.5678@mail.example.id>")
    );
    assert_eq!(parent_id("<a@b>").as_deref(), Some("<a@b>"));
    assert_eq!(parent_id(&format!("sha256:{}", "0".repeat(64))), None);
    assert_eq!(parent_id("no at sign"), None);
}

#[test]
fn provider_codes_are_short_tokens_and_never_the_address() {
    let graph = br#"{"error":{"message":"(#100) No matching user found for +6281234567890","type":"OAuthException","code":100,"error_subcode":2018001,"fbtrace_id":"AbC"}}"#;
    assert_eq!(
        provider_code(graph, "6281234567890").as_deref(),
        Some("code 100, subcode 2018001, type OAuthException")
    );
    let twilio = br#"{"code":21211,"message":"The 'To' number +6281234567890 is not a valid phone number.","status":400}"#;
    assert_eq!(
        provider_code(twilio, "+6281234567890").as_deref(),
        Some("code 21211")
    );
    let x = br#"{"title":"Forbidden","type":"https://api.twitter.com/2/problems/not-authorized-for-resource","detail":"You are not allowed to send a DM to 1234567890","status":403}"#;
    assert_eq!(
        provider_code(x, "1234567890").as_deref(),
        Some("title Forbidden, type not-authorized-for-resource")
    );
    // A "code" that is the address (or a long number such as an account id) is dropped.
    assert_eq!(provider_code(br#"{"code":"LAP-1234"}"#, "LAP-1234"), None);
    assert_eq!(provider_code(br#"{"code":6281234567890}"#, "x"), None);
    assert_eq!(provider_code(b"<html>502 Bad Gateway</html>", "x"), None);
}
