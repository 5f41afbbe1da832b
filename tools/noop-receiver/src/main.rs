//! A receiver that does nothing with a delivery: it reads the whole body
//! and answers `200 {}`, on any path. What is left of a receiver when
//! verifying, parsing, storing and projecting cost nothing, so calltap's
//! CPU per delivery is measured against it under the same `wrk` load.

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::Router;

/// Reads the body (axum buffers it whole into `Bytes`) and answers `{}`.
async fn receive(body: Bytes) -> ([(axum::http::HeaderName, &'static str); 1], &'static str) {
    std::hint::black_box(body.len());
    ([(CONTENT_TYPE, "application/json")], "{}")
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listen = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:4300".to_owned());
    let app = Router::new().fallback(receive);
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    axum::serve(listener, app).await
}
