//! A server-sent-events reader over a real streaming response, as a screen of the web
//! app reads `GET /api/v1/events` (and resumes it with `Last-Event-ID`).

use reqwest::{Client, StatusCode};
use serde_json::Value;
use std::time::Duration;

pub struct Events {
    resp: reqwest::Response,
    buf: String,
}

#[derive(Debug)]
pub struct Received {
    pub event: String,
    pub id: Option<u64>,
    pub data: Value,
}

impl Events {
    /// Opens the stream at `url`, resuming after `last_event_id` when given.
    pub async fn open(c: &Client, url: String, last_event_id: Option<u64>) -> Events {
        let mut req = c.get(url);
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id.to_string());
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(
            resp.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        Events {
            resp,
            buf: String::new(),
        }
    }

    /// The next event (keep-alive comments skipped); fails after 30 s without one or
    /// when the stream ends.
    pub async fn next(&mut self) -> Received {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let (mut event, mut id, mut data) = (String::from("message"), None, String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        event = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().parse().ok();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if data.is_empty() && id.is_none() && event == "message" {
                    continue; // a comment
                }
                let data = serde_json::from_str(&data).unwrap_or(Value::String(data));
                return Received { event, id, data };
            }
            let chunk = tokio::time::timeout(Duration::from_secs(30), self.resp.chunk())
                .await
                .expect("no event within 30 s")
                .unwrap()
                .expect("the stream ended");
            self.buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// The next `change` event.
    pub async fn change(&mut self) -> Received {
        let e = self.next().await;
        assert_eq!(e.event, "change", "{e:?}");
        e
    }

    /// The `hello` a stream starts with: the last event id the server has sent.
    pub async fn hello(&mut self) -> u64 {
        let e = self.next().await;
        assert_eq!(e.event, "hello", "{e:?}");
        e.data["last_id"].as_u64().unwrap()
    }
}
