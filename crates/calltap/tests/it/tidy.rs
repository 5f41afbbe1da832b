//! Tidy rules over the crate's own sources, run as ordinary tests (as
//! rust-analyzer does): the layout's promises, checked rather than hoped.
//!
//! - No module imports a module that imports it, directly or around a
//!   longer loop. A module is a file (`store/writer.rs` is
//!   `store::writer`, `store/mod.rs` is `store`), and it imports what its
//!   code names through `use crate::…`, `use super::…`, `self::…`, a
//!   child's name, or such a path anywhere in its code (attributes and
//!   macro arguments included). Declaring a child (`mod x;`) is not an
//!   import. Test code counts like any other, except test modules
//!   (`#[cfg(test)] mod …`, inline or in their own files): nothing
//!   imports them, so they cannot close a loop. The same holds one level
//!   up, between the crate's top-level modules (`api`, `store`, …).
//! - Nothing above `store/` names `rusqlite` or anything SQLite-specific:
//!   a second backend must be a change inside `store/`.
//! - Every metric the code records is described (`# HELP` on `/metrics`),
//!   including those only a failure records, which traffic in a test
//!   rarely reaches.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// A module's path from the crate root (`[]` is `lib.rs`).
type ModPath = Vec<String>;

/// One place where a module names another.
#[derive(Clone, Debug)]
struct Import {
    to: ModPath,
    line: usize,
}

/// The crate's file modules, and what each imports.
struct Graph {
    /// Every file module that is not test code, with its file.
    files: BTreeMap<ModPath, PathBuf>,
    /// Module -> imported module -> the first line naming it.
    imports: BTreeMap<ModPath, BTreeMap<ModPath, usize>>,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read the source directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/store/writer.rs` -> `store::writer`; `src/store/mod.rs` -> `store`.
fn module_of(src: &Path, file: &Path) -> ModPath {
    let relative = file.strip_prefix(src).expect("under src");
    let mut path: ModPath = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(path.last().map(String::as_str), Some("mod" | "lib")) {
        path.pop();
    }
    path
}

fn parse(file: &Path) -> syn::File {
    let text = std::fs::read_to_string(file).expect("read a source file");
    syn::parse_file(&text).unwrap_or_else(|err| panic!("{}: {err}", file.display()))
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg") && to_tokens(&attr.meta).to_string().contains("test")
    })
}

fn name(path: &[String]) -> String {
    if path.is_empty() {
        "crate".to_owned()
    } else {
        path.join("::")
    }
}

impl Graph {
    /// Reads every file of the crate (the binary's `main.rs` aside: it is
    /// a client of the library, not a module of it).
    fn read() -> Graph {
        let src = src_dir();
        let mut all = Vec::new();
        rust_files(&src, &mut all);
        all.retain(|f| f != &src.join("main.rs"));
        let parsed: BTreeMap<ModPath, (PathBuf, syn::File)> = all
            .into_iter()
            .map(|file| (module_of(&src, &file), (file.clone(), parse(&file))))
            .collect();
        // Files declared as test modules (`#[cfg(test)] mod tests;`), and
        // everything below them.
        let mut tests: BTreeSet<ModPath> = BTreeSet::new();
        for (module, (_, file)) in &parsed {
            for item in &file.items {
                if let syn::Item::Mod(m) = item {
                    if m.content.is_none() && is_cfg_test(&m.attrs) {
                        let mut child = module.clone();
                        child.push(m.ident.to_string());
                        tests.insert(child);
                    }
                }
            }
        }
        let files: BTreeMap<ModPath, PathBuf> = parsed
            .iter()
            .filter(|(module, _)| !tests.iter().any(|t| module.starts_with(t)))
            .map(|(module, (file, _))| (module.clone(), file.clone()))
            .collect();
        let mut imports = BTreeMap::new();
        for (module, (_, file)) in &parsed {
            if !files.contains_key(module) {
                continue;
            }
            let mut found = Vec::new();
            scan_items(&file.items, module, &mut found);
            let mut targets: BTreeMap<ModPath, usize> = BTreeMap::new();
            for import in found {
                // The longest prefix that is a file module: `store::writer::Job`
                // is in `store::writer`.
                let target = (0..=import.to.len())
                    .rev()
                    .map(|n| import.to[..n].to_vec())
                    .find(|prefix| {
                        files.contains_key(prefix) || tests.iter().any(|t| prefix.starts_with(t))
                    });
                let Some(target) = target else { continue };
                if &target == module || !files.contains_key(&target) {
                    continue;
                }
                let line = targets.entry(target).or_insert(import.line);
                *line = (*line).min(import.line);
            }
            imports.insert(module.clone(), targets);
        }
        Graph { files, imports }
    }

    /// The same graph between top-level modules (`store::writer` is `store`).
    fn layers(&self) -> Graph {
        let top = |m: &ModPath| m.iter().take(1).cloned().collect::<ModPath>();
        let mut imports: BTreeMap<ModPath, BTreeMap<ModPath, usize>> = BTreeMap::new();
        let mut files = BTreeMap::new();
        for (module, targets) in &self.imports {
            files.insert(top(module), self.files[&top(module)].clone());
            for target in targets.keys() {
                if top(target) != top(module) {
                    imports
                        .entry(top(module))
                        .or_default()
                        .entry(top(target))
                        .or_insert(0);
                }
            }
        }
        Graph { files, imports }
    }

    /// The shortest loop through each module that is in one, each loop
    /// once, as the modules around it (the first repeated last).
    fn cycles(&self) -> Vec<Vec<ModPath>> {
        let mut cycles = Vec::new();
        let mut reported: BTreeSet<Vec<ModPath>> = BTreeSet::new();
        for start in self.imports.keys() {
            // The shortest way back to `start`, breadth first.
            let mut from: BTreeMap<&ModPath, &ModPath> = BTreeMap::new();
            let mut queue = VecDeque::from([start]);
            let mut closed = None;
            'search: while let Some(at) = queue.pop_front() {
                for next in self.imports.get(at).into_iter().flat_map(|t| t.keys()) {
                    if next == start {
                        closed = Some(at);
                        break 'search;
                    }
                    if !from.contains_key(next) {
                        from.insert(next, at);
                        queue.push_back(next);
                    }
                }
            }
            let Some(mut at) = closed else { continue };
            let mut back = Vec::new();
            while at != start {
                back.push(at.clone());
                at = from[at];
            }
            back.reverse();
            let mut cycle = vec![start.clone()];
            cycle.extend(back);
            cycle.push(start.clone());
            let mut members = cycle[1..].to_vec();
            members.sort();
            if reported.insert(members) {
                cycles.push(cycle);
            }
        }
        cycles
    }

    /// A cycle as text, each step with the file and line that makes it.
    fn describe(&self, cycle: &[ModPath]) -> String {
        let src = src_dir();
        let mut text = name(&cycle[0]);
        for step in cycle.windows(2) {
            let file = self.files[&step[0]]
                .strip_prefix(&src)
                .unwrap_or(&self.files[&step[0]])
                .display()
                .to_string();
            let line = self.imports[&step[0]][&step[1]];
            text.push_str(&format!(" -> {} ({file}:{line})", name(&step[1])));
        }
        text
    }
}

/// Collects what `items` (in `module`) name; skips test modules.
fn scan_items(items: &[syn::Item], module: &ModPath, out: &mut Vec<Import>) {
    let children: BTreeSet<String> = items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(m) => Some(m.ident.to_string()),
            _ => None,
        })
        .collect();
    for item in items {
        match item {
            syn::Item::Mod(m) if is_cfg_test(&m.attrs) => {}
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    let mut inner_module = module.clone();
                    inner_module.push(m.ident.to_string());
                    scan_items(inner, &inner_module, out);
                }
            }
            other => {
                let scope = Scope {
                    module,
                    children: &children,
                };
                scope.scan(to_tokens(other), out);
            }
        }
    }
}

/// Where paths are resolved from.
struct Scope<'a> {
    module: &'a ModPath,
    children: &'a BTreeSet<String>,
}

impl Scope<'_> {
    /// Finds every path that starts at `crate`, `super`, `self` or a child.
    fn scan(&self, tokens: TokenStream, out: &mut Vec<Import>) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                TokenTree::Group(group) => {
                    self.scan(group.stream(), out);
                    i += 1;
                }
                TokenTree::Ident(ident)
                    if self.starts_path(&ident.to_string())
                        && !follows_path_separator(&tokens, i)
                        && !after_dollar(&tokens, i)
                        && separator_at(&tokens, i + 1) =>
                {
                    i = self.path(&tokens, i, Vec::new(), out);
                }
                _ => i += 1,
            }
        }
    }

    fn starts_path(&self, ident: &str) -> bool {
        matches!(ident, "crate" | "super" | "self") || self.children.contains(ident)
    }

    /// Reads the path starting at `tokens[i]` after `prefix`, records it
    /// (each branch of a `{…}` group on its own); returns the index after it.
    fn path(
        &self,
        tokens: &[TokenTree],
        mut i: usize,
        mut segments: Vec<(String, usize)>,
        out: &mut Vec<Import>,
    ) -> usize {
        loop {
            match tokens.get(i) {
                Some(TokenTree::Ident(ident)) => {
                    segments.push((ident.to_string(), ident.span().start().line));
                    i += 1;
                }
                Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => {
                    let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                    for branch in
                        inner.split(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
                    {
                        if !branch.is_empty() {
                            self.path(branch, 0, segments.clone(), out);
                        }
                    }
                    return i + 1;
                }
                _ => break,
            }
            if separator_at(tokens, i) {
                i += 2;
            } else {
                break;
            }
        }
        self.record(&segments, out);
        i
    }

    fn record(&self, segments: &[(String, usize)], out: &mut Vec<Import>) {
        let Some((first, line)) = segments.first() else {
            return;
        };
        let mut at: ModPath = match first.as_str() {
            "crate" => Vec::new(),
            "super" | "self" => self.module.clone(),
            _ if self.children.contains(first) => {
                let mut child = self.module.clone();
                child.push(first.clone());
                child
            }
            _ => return,
        };
        let mut rest = segments.iter().skip(1).map(|(s, _)| s.as_str()).peekable();
        if first == "super" {
            at.pop();
            while rest.peek() == Some(&"super") {
                rest.next();
                at.pop();
            }
        }
        at.extend(rest.filter(|s| *s != "self").map(str::to_owned));
        out.push(Import {
            to: at,
            line: *line,
        });
    }
}

/// Whether `tokens[i]` and `tokens[i + 1]` are `::`.
fn separator_at(tokens: &[TokenTree], i: usize) -> bool {
    matches!(
        (tokens.get(i), tokens.get(i + 1)),
        (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
            if a.as_char() == ':' && b.as_char() == ':'
    )
}

/// Whether `tokens[i]` comes right after a `$` (`$crate` in a macro).
fn after_dollar(tokens: &[TokenTree], i: usize) -> bool {
    i >= 1 && matches!(&tokens[i - 1], TokenTree::Punct(p) if p.as_char() == '$')
}

/// Whether `tokens[i]` comes right after a `::` (the middle of a path).
fn follows_path_separator(tokens: &[TokenTree], i: usize) -> bool {
    i >= 2 && separator_at(tokens, i - 2)
}

/// A syntax node's tokens, with their original spans (so, lines).
fn to_tokens(node: &impl quote::ToTokens) -> TokenStream {
    node.to_token_stream()
}

#[test]
fn tidy_no_module_imports_a_module_that_imports_it() {
    let graph = Graph::read();
    assert!(
        graph.files.len() > 30,
        "the crate's modules were not found: {:?}",
        graph.files.keys().collect::<Vec<_>>()
    );
    let layers = graph.layers();
    let cycles: Vec<String> = graph
        .cycles()
        .iter()
        .map(|c| graph.describe(c))
        .chain(layers.cycles().iter().map(|c| {
            let names: Vec<String> = c.iter().map(|m| name(m)).collect();
            format!("between layers: {}", names.join(" -> "))
        }))
        .collect();
    assert!(
        cycles.is_empty(),
        "modules that import a module that imports them:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn tidy_the_cycle_check_finds_a_loop_and_names_its_lines() {
    let a: ModPath = vec!["a".to_owned()];
    let b: ModPath = vec!["b".to_owned()];
    let c: ModPath = vec!["c".to_owned()];
    let graph = Graph {
        files: BTreeMap::from([
            (a.clone(), src_dir().join("a.rs")),
            (b.clone(), src_dir().join("b.rs")),
            (c.clone(), src_dir().join("c.rs")),
        ]),
        imports: BTreeMap::from([
            (a.clone(), BTreeMap::from([(b.clone(), 3)])),
            (b.clone(), BTreeMap::from([(c.clone(), 5)])),
            (c.clone(), BTreeMap::from([(a.clone(), 7)])),
        ]),
    };
    let cycles = graph.cycles();
    assert_eq!(cycles.len(), 1);
    assert_eq!(
        graph.describe(&cycles[0]),
        "a -> b (a.rs:3) -> c (b.rs:5) -> a (c.rs:7)"
    );
}

#[test]
fn tidy_imports_are_read_from_use_trees_code_and_attributes() {
    let file: syn::File = syn::parse_quote! {
        mod child;
        use super::{sibling::{self, Thing}, other};
        use crate::store::{writer::Job, NewEvent};
        #[utoipa::path(body = super::ErrorOut)]
        fn f() { crate::deep::module::call(); child::g(); let x = self::local; }
        #[cfg(test)]
        mod tests { use crate::only_in_tests; }
    };
    let mut found = Vec::new();
    scan_items(
        &file.items,
        &vec!["api".to_owned(), "here".to_owned()],
        &mut found,
    );
    let named: BTreeSet<String> = found.iter().map(|i| name(&i.to)).collect();
    let expected: BTreeSet<String> = [
        "api::sibling",
        "api::sibling::Thing",
        "api::other",
        "store::writer::Job",
        "store::NewEvent",
        "api::ErrorOut",
        "deep::module::call",
        "api::here::child::g",
        "api::here::local",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(named, expected);
}

#[test]
fn tidy_nothing_above_the_store_names_sqlite() {
    let src = src_dir();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for file in files.iter().filter(|f| !f.starts_with(src.join("store"))) {
        find_sqlite(to_tokens(&parse(file)), file, &mut found);
    }
    assert!(
        found.is_empty(),
        "SQLite named outside store/ (a second backend would have to change these):\n{}",
        found.join("\n")
    );
}

/// Identifiers that name SQLite (`rusqlite`, `store::sqlite`, `SqliteLog`…);
/// comments and strings are not identifiers.
fn find_sqlite(tokens: TokenStream, file: &Path, found: &mut Vec<String>) {
    for token in tokens {
        match token {
            TokenTree::Group(group) => find_sqlite(group.stream(), file, found),
            TokenTree::Ident(ident) if ident.to_string().to_lowercase().contains("sqlite") => {
                found.push(format!(
                    "{}:{}: {ident}",
                    file.strip_prefix(src_dir()).unwrap_or(file).display(),
                    ident.span().start().line
                ));
            }
            _ => {}
        }
    }
}

#[test]
fn tidy_every_recorded_metric_is_described() {
    let mut files = Vec::new();
    rust_files(&src_dir(), &mut files);
    let (mut recorded, mut described) = (BTreeMap::new(), BTreeSet::new());
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read a source file");
        for (name, describe) in metric_macros(&text) {
            if describe {
                described.insert(name);
            } else {
                recorded.entry(name).or_insert_with(|| file.clone());
            }
        }
    }
    let undescribed: Vec<_> = recorded
        .iter()
        .filter(|(name, _)| !described.contains(*name))
        .map(|(name, file)| format!("{name} (recorded in {})", file.display()))
        .collect();
    assert!(
        undescribed.is_empty(),
        "describe these in api/metrics.rs: {undescribed:#?}"
    );
    assert!(recorded.contains_key("calltap_projection_position"));
}

/// Each `counter!`, `gauge!` or `histogram!` with a literal name in `text`,
/// and whether it is a `describe_*!` one.
fn metric_macros(text: &str) -> Vec<(String, bool)> {
    let mut found = Vec::new();
    for kind in ["counter!(", "gauge!(", "histogram!("] {
        for (at, _) in text.match_indices(kind) {
            let describe = text[..at].ends_with("describe_");
            let before = text[..at].chars().next_back();
            if !describe && before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = text[at + kind.len()..].trim_start();
            if let Some(name) = rest
                .strip_prefix('"')
                .and_then(|r| r.split_once('"'))
                .map(|(name, _)| name)
            {
                found.push((name.to_owned(), describe));
            }
        }
    }
    found
}
