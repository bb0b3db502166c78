//! `surreal`, built from the `surrealdb-server` library: the server the scale-out tests start
//! (`surreal start --bind 127.0.0.1:PORT --user root --pass … memory`).

fn main() -> std::process::ExitCode {
    surrealdb_server::init(surrealdb_server::core::CommunityComposer())
}
