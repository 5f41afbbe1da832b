//! Verifying a Standard Webhooks delivery by hand, with no web framework:
//! a bare HTTP/1.1 server on `std::net` that checks `webhook-id`,
//! `webhook-timestamp` and `webhook-signature` over the raw body, then
//! parses the message. It answers 200 `{}`, or 401 saying why.
//!
//! ```text
//! WEBHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw \
//!     cargo run -p calltap-protocol --example verify_standard_webhooks -- 127.0.0.1:3001
//! ```
//! The same check fits any server: hand `StandardWebhooksPlan::verify` the
//! method, URL, headers and the body bytes exactly as received.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::SystemTime;

use calltap_protocol::auth::{SignedRequest, StandardWebhooksPlan};
use calltap_protocol::model::Envelope;
use http::{HeaderMap, HeaderName, HeaderValue};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let plan = StandardWebhooksPlan::new(std::env::var("WEBHOOK_SECRET")?);
    plan.validate()?;
    let address = std::env::args().nth(1).unwrap_or("127.0.0.1:3001".into());
    let listener = TcpListener::bind(address)?;
    println!("listening on http://{}/", listener.local_addr()?);
    for stream in listener.incoming() {
        let mut stream = stream?;
        let (status, answer) = match read_request(&stream) {
            Ok(received) => {
                let Received {
                    method,
                    path,
                    headers,
                    body,
                } = &received;
                let request = SignedRequest::new(method, path, headers, body);
                match plan.verify(&request, SystemTime::now()) {
                    Ok(verified) => match Envelope::from_slice(body) {
                        Ok(envelope) => {
                            let id = verified.message_id.unwrap_or_default();
                            println!("{id}: {}", envelope.message.message_type());
                            ("200 OK", "{}".to_owned())
                        }
                        Err(err) => ("400 Bad Request", error_json(&err.to_string())),
                    },
                    Err(err) => ("401 Unauthorized", error_json(&err.to_string())),
                }
            }
            Err(err) => ("400 Bad Request", error_json(&err.to_string())),
        };
        write!(
            stream,
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
            answer.len()
        )?;
    }
    Ok(())
}

/// One HTTP/1.1 request as received.
struct Received {
    method: String,
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// Reads the request line, headers and body of one request.
fn read_request(stream: &TcpStream) -> Result<Received, Box<dyn std::error::Error>> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().ok_or("no method")?.to_owned();
    let path = parts.next().ok_or("no path")?.to_owned();
    let mut headers = HeaderMap::new();
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let Some((name, value)) = line.trim_end().split_once(':') else {
            break;
        };
        headers.append(
            HeaderName::from_bytes(name.trim().as_bytes())?,
            HeaderValue::from_str(value.trim())?,
        );
    }
    let length: usize = match headers.get("content-length") {
        Some(value) => value.to_str()?.parse()?,
        None => 0,
    };
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(Received {
        method,
        path,
        headers,
        body,
    })
}

/// `{"error": message}`.
fn error_json(message: &str) -> String {
    serde_json::json!({ "error": message }).to_string()
}
