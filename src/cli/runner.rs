//! Running per-file work on several threads while handing the results on in input order.
//!
//! Workers take the next index from a shared counter, but never run more than a window ahead of
//! the first result not yet handed on, so memory holds at most `window` results whatever the
//! number of files: a run streams its output in sorted order instead of collecting it.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};

/// How many threads to use when `--jobs` is not given: one per available core.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Calls `work` on every item on `jobs` threads, and `sink` on every result in item order, on the
/// calling thread. At most `window` results (at least one) are computed ahead of the sink. If
/// `sink` fails, the remaining items are abandoned and its error is returned.
pub fn ordered_map<T, R, E>(
    items: &[T],
    jobs: usize,
    window: usize,
    work: impl Fn(&T) -> R + Sync,
    mut sink: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E>
where
    T: Sync,
    R: Send,
{
    let window = window.max(1);
    if jobs <= 1 || items.len() <= 1 {
        return items.iter().try_for_each(|item| sink(work(item)));
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    // The index of the first result not yet handed to the sink.
    let written = Mutex::new(0usize);
    let advanced = Condvar::new();
    let (sender, receiver) = mpsc::channel::<(usize, R)>();
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(items.len()) {
            let sender = sender.clone();
            let (next, stop, written, advanced, work) = (&next, &stop, &written, &advanced, &work);
            scope.spawn(move || {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= items.len() {
                        return;
                    }
                    {
                        let mut first = written.lock().unwrap_or_else(|e| e.into_inner());
                        while index >= *first + window && !stop.load(Ordering::Relaxed) {
                            first = advanced.wait(first).unwrap_or_else(|e| e.into_inner());
                        }
                    }
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let result = work(&items[index]);
                    if sender.send((index, result)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(sender);
        let mut pending: BTreeMap<usize, R> = BTreeMap::new();
        let mut first = 0usize;
        let mut outcome = Ok(());
        for (index, result) in receiver.iter() {
            pending.insert(index, result);
            while let Some(result) = pending.remove(&first) {
                first += 1;
                if let Err(error) = sink(result) {
                    outcome = Err(error);
                    break;
                }
            }
            if outcome.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            *written.lock().unwrap_or_else(|e| e.into_inner()) = first;
            advanced.notify_all();
            if outcome.is_err() {
                break;
            }
        }
        // Workers stop at their next item once `stop` is set; the receiver is dropped with this
        // scope's end, so a worker blocked on `send` cannot exist (the channel is unbounded).
        outcome
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn results_come_in_item_order_whatever_the_jobs() {
        let items: Vec<u64> = (0..500).collect();
        for jobs in [1, 2, 3, 8] {
            let mut seen = Vec::new();
            ordered_map(
                &items,
                jobs,
                4,
                |&i| {
                    // Uneven work, so that later items often finish first.
                    let spin = (i * 7919) % 2000;
                    (0..spin).fold(i, |acc, x| acc.wrapping_add(x)) - (0..spin).sum::<u64>()
                },
                |r| {
                    seen.push(r);
                    Ok::<(), ()>(())
                },
            )
            .unwrap();
            assert_eq!(seen, items, "jobs = {jobs}");
        }
    }

    #[test]
    fn never_more_than_the_window_ahead_of_the_sink() {
        let items: Vec<usize> = (0..300).collect();
        let started = AtomicUsize::new(0);
        let mut handed = 0usize;
        let window = 5;
        ordered_map(
            &items,
            4,
            window,
            |&i| {
                started.fetch_add(1, Ordering::SeqCst);
                i
            },
            |i| {
                // Everything started is at most `window` past what the sink has seen, plus the
                // items taken by workers that are waiting for the window (one each).
                let ahead = started.load(Ordering::SeqCst) - handed;
                assert!(ahead <= window + 4, "{ahead} results ahead");
                assert_eq!(i, handed);
                handed += 1;
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        assert_eq!(handed, items.len());
    }

    #[test]
    fn a_failing_sink_stops_the_run_with_its_error() {
        let items: Vec<usize> = (0..10_000).collect();
        let done = AtomicUsize::new(0);
        let result = ordered_map(
            &items,
            2,
            8,
            |&i| {
                done.fetch_add(1, Ordering::SeqCst);
                i
            },
            |i| if i == 10 { Err(i) } else { Ok(()) },
        );
        assert_eq!(result, Err(10));
        assert!(done.load(Ordering::SeqCst) < 100);
    }
}
