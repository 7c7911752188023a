//! Work on the machine's two cores: two independent computations, one on a
//! second thread. Results never depend on which finishes first.

use crate::STACK_SIZE;

/// Runs `a` on a second thread and `b` on this one and returns both results;
/// runs them one after the other when no thread can be started.
pub(crate) fn both<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    let a = std::sync::Mutex::new(Some(a));
    let run_a = || a.lock().ok().and_then(|mut f| f.take()).map(|f| f());
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, run_a);
        let b = b();
        let a = match spawned {
            Ok(handle) => match handle.join() {
                Ok(a) => a,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(_) => None,
        };
        match a.or_else(run_a) {
            Some(a) => (a, b),
            None => unreachable!("`a` runs exactly once, on the thread or here"),
        }
    })
}
