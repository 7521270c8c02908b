//! Rows of `system_views.settings`: the `cassandra.yaml` settings whose effect the emulator
//! actually reproduces, under their 4.0 `Config` field names and rendered as 4.0's
//! `SettingsTable` renders them (`String.valueOf` of the field).
//!
//! A real node lists every field of its configuration; the emulator lists only settings it
//! honours, so a client never reads a value that does not describe the emulator's behaviour.

use cassia_protocol::value::CqlValue;

use crate::cluster::{DEFAULT_NUM_TOKENS, NodeView};
use crate::engine::EngineConfig;

/// `(name, value)` rows, sorted by name.
pub(super) fn settings(config: &EngineConfig, view: Option<&NodeView>) -> Vec<[CqlValue; 2]> {
    let node = view.map(|v| &v.0);
    let address = node.map_or(config.native_address, |n| n.addr);
    let num_tokens = node.map_or(DEFAULT_NUM_TOKENS, |n| n.tokens.len());
    let mut rows: Vec<(&str, String)> = vec![
        // The batch checks of `engine::batch` use 4.0's defaults: a warning above 5 KiB, a
        // refusal above 50 KiB, a warning above 10 partitions in an unlogged batch.
        ("batch_size_fail_threshold_in_kb", "50".to_owned()),
        ("batch_size_warn_threshold_in_kb", "5".to_owned()),
        // CDC is never enabled on the node, so `cdc` table options read back as null.
        ("cdc_enabled", "false".to_owned()),
        ("cluster_name", config.cluster_name.clone()),
        ("native_transport_port", address.port().to_string()),
        ("num_tokens", num_tokens.to_string()),
        ("partitioner", super::rows::PARTITIONER.to_owned()),
        ("rpc_address", address.ip().to_string()),
        ("start_native_transport", "true".to_owned()),
        (
            "unlogged_batch_across_partitions_warn_threshold",
            "10".to_owned(),
        ),
    ];
    rows.sort_by(|a, b| a.0.cmp(b.0));
    rows.into_iter()
        .map(|(name, value)| [CqlValue::Text(name.to_owned()), CqlValue::Text(value)])
        .collect()
}
