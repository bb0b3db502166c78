//! Rebuilds the server when the web files it embeds change: the console as Vite built it
//! (`web/console/dist`) and the landing page. The console's folder is created when missing, so
//! a build before the console's (which then serves a page saying how to build it) notices the
//! console when it arrives.

fn main() {
    let console = std::path::Path::new("../web/console/dist");
    if let Err(e) = std::fs::create_dir_all(console) {
        println!("cargo::warning=cannot create {}: {e}", console.display());
    }
    println!("cargo::rerun-if-changed=../web/console/dist");
    println!("cargo::rerun-if-changed=../web/landing");
    println!("cargo::rerun-if-changed=build.rs");
}
