//! Pluggable policies: which node runs a request ([`LoadBalancingPolicy`]), whether a failed
//! request is retried ([`RetryPolicy`]), how long to wait before reconnecting
//! ([`ReconnectionPolicy`]) and which client timestamp a write carries ([`TimestampGenerator`]).
//!
//! Each is a trait with the driver's default beside it, so applications can plug their own.

mod load_balancing;
mod reconnection;
mod retry;
mod timestamp;

pub use load_balancing::{
    DcAwareRoundRobinPolicy, LoadBalancingPolicy, QueryPlan, RoundRobinPolicy, RoutingInfo,
    TokenAwarePolicy,
};
pub use reconnection::{
    ConstantReconnectionPolicy, ExponentialReconnectionPolicy, ReconnectionPolicy,
};
pub use retry::{
    DefaultRetryPolicy, FallthroughRetryPolicy, RequestFailure, RetryDecision, RetryPolicy,
};
pub use timestamp::{MonotonicTimestampGenerator, ServerTimestampGenerator, TimestampGenerator};
