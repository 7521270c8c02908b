//! A small client of the service's HTTP API, used by `--check` and by the tests: every call
//! answers the status and the JSON body (`null` when there is none), so a caller checks both.

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// An answer: status and JSON body.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body as JSON (`null` when empty).
    pub body: Value,
}

impl Answer {
    /// The body read as `T`, or why it is not one (with the status and body).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, String> {
        serde_json::from_value(self.body.clone())
            .map_err(|e| format!("{} {}: {e}", self.status, self.body))
    }

    /// `error.kind` of an error body (empty if there is none).
    pub fn error_kind(&self) -> &str {
        self.body["error"]["kind"].as_str().unwrap_or("")
    }
}

/// The service at one base URL (`http://127.0.0.1:3000`).
#[derive(Debug, Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: String,
}

impl ApiClient {
    /// A client of the service at `base`.
    pub fn new(base: impl Into<String>) -> Self {
        ApiClient {
            http: reqwest::Client::new(),
            base: base.into(),
        }
    }

    /// Sends `method path` with an optional JSON body and query pairs.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<Value>,
    ) -> Result<Answer, reqwest::Error> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .query(query);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status();
        let bytes = response.bytes().await?;
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok(Answer { status, body })
    }

    /// `GET path?query`.
    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Answer, reqwest::Error> {
        self.call(Method::GET, path, query, None).await
    }

    /// `POST path` with a JSON body (or none).
    pub async fn post(&self, path: &str, body: Option<Value>) -> Result<Answer, reqwest::Error> {
        self.call(Method::POST, path, &[], body).await
    }

    /// `PUT path` with a JSON body.
    pub async fn put(&self, path: &str, body: Value) -> Result<Answer, reqwest::Error> {
        self.call(Method::PUT, path, &[], Some(body)).await
    }

    /// `DELETE path`.
    pub async fn delete(&self, path: &str) -> Result<Answer, reqwest::Error> {
        self.call(Method::DELETE, path, &[], None).await
    }
}
