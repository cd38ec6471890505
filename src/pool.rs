//! Buffers lent to parallel work items and given back for the next.
//!
//! rayon's `map_init` makes fresh state for every piece of work it splits
//! off, often many times per thread; large buffers made afresh each time
//! cost their page faults again. A [`Pool`] keeps the buffers that were
//! given back, so a run makes about as many as there are threads at work.

use std::sync::Mutex;

/// Reusable values of type `T`, taken and given back from any thread.
#[derive(Debug, Default)]
pub struct Pool<T>(Mutex<Vec<T>>);

impl<T: Default> Pool<T> {
    /// A value given back earlier, or a new one.
    pub fn take(&self) -> T {
        self.0.lock().ok().and_then(|mut pool| pool.pop()).unwrap_or_default()
    }

    /// Keeps `value` for a later [`Pool::take`].
    pub fn give(&self, value: T) {
        if let Ok(mut pool) = self.0.lock() {
            pool.push(value);
        }
    }

    /// Runs `work` with a value from the pool, then gives it back.
    pub fn with<R>(&self, work: impl FnOnce(&mut T) -> R) -> R {
        let mut value = self.take();
        let result = work(&mut value);
        self.give(value);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_given_back_is_taken_again() {
        let pool: Pool<Vec<u8>> = Pool::default();
        assert!(pool.take().is_empty(), "an empty pool makes a new value");
        pool.with(|buffer| buffer.extend([1, 2, 3]));
        assert_eq!(pool.take(), [1, 2, 3]);
        assert!(pool.take().is_empty(), "each value is lent once");
    }
}
