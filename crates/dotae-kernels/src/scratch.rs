//! Per-thread scratch buffers, reused across calls so the hot loops never allocate.

use std::cell::RefCell;

use crate::Element;

thread_local! {
    static POOL_F32: RefCell<Vec<Vec<f32>>> = const { RefCell::new(Vec::new()) };
    static POOL_F64: RefCell<Vec<Vec<f64>>> = const { RefCell::new(Vec::new()) };
}

/// The calling thread's pool of free buffers of `Self`.
pub trait Pooled: Sized {
    fn with_pool<R>(f: impl FnOnce(&mut Vec<Vec<Self>>) -> R) -> R;
}

impl Pooled for f32 {
    fn with_pool<R>(f: impl FnOnce(&mut Vec<Vec<Self>>) -> R) -> R {
        POOL_F32.with(|pool| f(&mut pool.borrow_mut()))
    }
}

impl Pooled for f64 {
    fn with_pool<R>(f: impl FnOnce(&mut Vec<Vec<Self>>) -> R) -> R {
        POOL_F64.with(|pool| f(&mut pool.borrow_mut()))
    }
}

/// Runs `f` on a buffer of `len` elements taken from the thread's pool. Its contents are left
/// over from earlier calls: `f` must write every element it reads. Calls nest; each level takes
/// its own buffer.
pub fn with_scratch<T: Element, R>(len: usize, f: impl FnOnce(&mut [T]) -> R) -> R {
    let mut buffer = T::with_pool(|pool| pool.pop()).unwrap_or_default();
    if buffer.len() < len {
        buffer.resize(len, T::ZERO);
    }
    let result = f(&mut buffer[..len]);
    T::with_pool(|pool| pool.push(buffer));
    result
}
