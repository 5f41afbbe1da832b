//! The console's stylesheet and scripts, compiled into the binary
//! (`include_str!`) and served under content-hashed names
//! (`/ui/assets/console.3fa2b1c9.css`), so a browser may keep each one
//! for a year: a new build with a changed file gets a new name.
//!
//! No CDN, no build step: these are hand-written files, well under the
//! budget of 150 KB of JavaScript and CSS per page.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// The stylesheet every page links.
pub const CSS: &str = "console.css";
/// The script every page loads: local times, live lists, dialogs, keys.
pub const CONSOLE_JS: &str = "console.js";
/// The call page's timeline.
pub const TIMELINE_JS: &str = "timeline.js";

/// One embedded file.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    text: &'static str,
}

const FILES: [Asset; 3] = [
    Asset {
        name: CSS,
        content_type: "text/css; charset=utf-8",
        text: include_str!("assets/console.css"),
    },
    Asset {
        name: CONSOLE_JS,
        content_type: "text/javascript; charset=utf-8",
        text: include_str!("assets/console.js"),
    },
    Asset {
        name: TIMELINE_JS,
        content_type: "text/javascript; charset=utf-8",
        text: include_str!("assets/timeline.js"),
    },
];

/// Each file's hashed name, computed once.
static HASHED: LazyLock<Vec<(String, &'static Asset)>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|asset| {
            let hash = blake3::hash(asset.text.as_bytes()).to_hex();
            let (stem, ext) = asset.name.rsplit_once('.').unwrap_or((asset.name, ""));
            (format!("{stem}.{}.{ext}", &hash[..12]), asset)
        })
        .collect()
});

/// The URL of the embedded file `name` (one of this module's constants).
pub fn url(name: &str) -> String {
    HASHED
        .iter()
        .find(|(_, asset)| asset.name == name)
        .map_or_else(
            || format!("/ui/assets/{name}"),
            |(hashed, _)| format!("/ui/assets/{hashed}"),
        )
}

/// The total size of the embedded scripts and stylesheet, in bytes (the
/// budget a page must stay under).
pub fn total_bytes() -> usize {
    FILES.iter().map(|asset| asset.text.len()).sum()
}

/// `GET /ui/assets/{file}`: an embedded file by its hashed name, cached
/// for a year (`immutable`), with the hash as its `ETag`.
pub async fn serve(Path(file): Path<String>, headers: HeaderMap) -> Response {
    let Some((hashed, asset)) = HASHED.iter().find(|(hashed, _)| *hashed == file) else {
        return (StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    let etag = format!("\"{hashed}\"");
    let cached = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    let cache = [
        (
            header::CACHE_CONTROL,
            "public, max-age=31536000, immutable".to_owned(),
        ),
        (header::ETAG, etag),
    ];
    if cached {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    (
        cache,
        [(header::CONTENT_TYPE, asset.content_type)],
        asset.text,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_has_a_hashed_url_and_the_budget_holds() {
        for name in [CSS, CONSOLE_JS, TIMELINE_JS] {
            let url = url(name);
            let stem = name.split('.').next().unwrap_or_default();
            assert!(url.starts_with(&format!("/ui/assets/{stem}.")), "{url}");
            assert_ne!(url, format!("/ui/assets/{name}"), "{url} is hashed");
        }
        assert!(total_bytes() < 150_000, "{} bytes", total_bytes());
    }
}
