//! Pinning the current thread to one CPU core (responder on core 0, clients on core 1).

/// Pins the calling thread to `core`; `false` if that core does not exist or pinning failed.
pub(crate) fn to_core(core: usize) -> bool {
    let Some(ids) = core_affinity::get_core_ids() else {
        return false;
    };
    match ids.into_iter().find(|c| c.id == core) {
        Some(id) => core_affinity::set_for_current(id),
        None => false,
    }
}
