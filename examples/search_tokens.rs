//! Reads a JSON array of strings on stdin and prints, for each, what the Rust search cuts it
//! into: `{"normalized", "tokens", "hashes"}`. tests/browser/search-differential.test.js runs it
//! on thousands of generated strings and compares with themes/default/static/js/search.js.

use std::io::Read;

use kensa::features::search::{normalize, token_hash, tokenize};
use serde_json::{json, Value};

fn main() {
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("search_tokens: cannot read stdin: {e}");
        std::process::exit(2);
    }
    let texts: Vec<String> = match serde_json::from_str(&input) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("search_tokens: stdin is not a JSON array of strings: {e}");
            std::process::exit(2);
        }
    };
    let out: Vec<Value> = texts
        .iter()
        .map(|t| {
            let tokens = tokenize(t);
            let hashes: Vec<u32> = tokens.iter().map(|k| token_hash(k)).collect();
            json!({"normalized": normalize(t), "tokens": tokens, "hashes": hashes})
        })
        .collect();
    println!("{}", Value::Array(out));
}
