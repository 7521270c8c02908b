//! Allocation counting for allocs/op: a global allocator wrapping the system one, compiled
//! only with `--features count-allocs` so normal runs pay nothing.

#[cfg(feature = "count-allocs")]
mod counting {
    #![allow(unsafe_code)] // GlobalAlloc is an unsafe trait; we only forward to System.

    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicU64, Ordering};

    pub(super) static ALLOCS: AtomicU64 = AtomicU64::new(0);

    /// Counts every allocation (and reallocation) before forwarding it to the system allocator.
    #[derive(Debug)]
    pub(super) struct Counting;

    // SAFETY: every method forwards unchanged to `System`, which upholds the contract.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
            // SAFETY: same layout the caller gave us.
            unsafe { System.alloc(layout) }
        }
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
            // SAFETY: same layout the caller gave us.
            unsafe { System.alloc_zeroed(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: ptr was allocated by System with this layout.
            unsafe { System.dealloc(ptr, layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
            // SAFETY: ptr was allocated by System with this layout.
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }

    #[global_allocator]
    static GLOBAL: Counting = Counting;
}

/// Allocations so far in this process, or `None` without the `count-allocs` feature.
pub(crate) fn count() -> Option<u64> {
    #[cfg(feature = "count-allocs")]
    {
        Some(counting::ALLOCS.load(std::sync::atomic::Ordering::Relaxed))
    }
    #[cfg(not(feature = "count-allocs"))]
    {
        None
    }
}
