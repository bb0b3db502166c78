//! Baseline for `bench/run.sh`: the barest actix-web server, answering "ok" on every path.
//! Usage: bare_hello 127.0.0.1:18181
#![forbid(unsafe_code)]

use actix_web::{App, HttpResponse, HttpServer, web};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18181".to_owned());
    HttpServer::new(|| {
        App::new().default_service(web::to(|| async { HttpResponse::Ok().body("ok") }))
    })
    .bind(addr)?
    .run()
    .await
}
