//! Pluggable policies: which node runs a request ([`LoadBalancingPolicy`]), whether a failed
//! request is retried ([`RetryPolicy`]), how long to wait before reconnecting
//! ([`ReconnectionPolicy`]), which client timestamp a write carries ([`TimestampGenerator`])
//! and whether a slow request is also sent to another node ([`SpeculativeExecutionPolicy`]).
//!
//! Each is a trait with the driver's default beside it, so applications can plug their own.

mod address_translator;
mod host_filter;
mod load_balancing;
mod reconnection;
mod retry;
mod speculative;
mod timestamp;

pub use address_translator::{AddressTranslator, IdentityTranslator};
pub use host_filter::HostFilterPolicy;
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
pub use speculative::{ConstantSpeculativeExecutionPolicy, SpeculativeExecutionPolicy};
pub use timestamp::{MonotonicTimestampGenerator, ServerTimestampGenerator, TimestampGenerator};
