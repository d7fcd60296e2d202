//! Embeds the web app: every file under `web/` (but its tests) becomes a static table
//! of (path, content type, ETag, bytes) in `$OUT_DIR/web_assets.rs`.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

fn walk(dir: &Path, root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let rel = path.strip_prefix(root).unwrap_or(&path);
        if rel.starts_with("test") || rel.starts_with("node_modules") {
            continue;
        }
        if path.is_dir() {
            walk(&path, root, out);
        } else {
            out.push(path);
        }
    }
}

#[path = "src/http/content_type.rs"]
mod content_type;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default()).join("web");
    println!("cargo:rerun-if-changed=web");
    let mut files = Vec::new();
    walk(&root, &root, &mut files);
    files.sort();
    let mut table = String::from("pub static ASSETS: &[(&str, &str, &str, &[u8])] = &[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let bytes = std::fs::read(file).unwrap_or_default();
        let mut h = DefaultHasher::new();
        bytes.hash(&mut h);
        let rel = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        table.push_str(&format!(
            "    ({:?}, {:?}, \"\\\"{:016x}\\\"\", include_bytes!({:?})),\n",
            format!("/{rel}"),
            content_type::for_extension(file.extension().and_then(|e| e.to_str()).unwrap_or("")),
            h.finish(),
            file.display().to_string()
        ));
    }
    table.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("web_assets.rs");
    if let Err(e) = std::fs::write(&out, table) {
        panic!("cannot write {}: {e}", out.display());
    }
}
