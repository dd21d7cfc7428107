//! The store's group-commit queue (SQLite's single writer, PostgreSQL's intake of new
//! reports), read from the store at each scrape (atomics: no query).

use std::collections::HashMap;
use std::sync::Arc;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric, NoLabelSet};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::exemplar::Exemplar;
use prometheus_client::metrics::gauge::ConstGauge;

use aduan_store::Store;
use aduan_store::monitoring::BATCH_BUCKETS;

/// Reads [`Store::write_queue`]; a store without one adds nothing.
pub(super) struct WriteQueueCollector {
    store: Arc<dyn Store>,
}

impl std::fmt::Debug for WriteQueueCollector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WriteQueueCollector")
    }
}

impl WriteQueueCollector {
    pub(super) fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }
}

impl Collector for WriteQueueCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let Some(queue) = self.store.write_queue() else {
            return Ok(());
        };
        let depth = ConstGauge::new(i64::try_from(queue.depth).unwrap_or(i64::MAX));
        depth.encode(encoder.encode_descriptor(
            "store_write_queue_depth",
            "Writes waiting to be committed in a group (SQLite: every write; PostgreSQL: new reports)",
            None,
            depth.metric_type(),
        )?)?;
        let capacity = ConstGauge::new(i64::try_from(queue.capacity).unwrap_or(i64::MAX));
        capacity.encode(encoder.encode_descriptor(
            "store_write_queue_capacity",
            "Write jobs that may wait before callers are held back",
            None,
            capacity.metric_type(),
        )?)?;
        // The encoder adds the `+Inf` bucket itself.
        let buckets: Vec<(f64, u64)> = BATCH_BUCKETS
            .iter()
            .zip(queue.batch_sizes)
            .map(|(bound, count)| (*bound as f64, count))
            .collect();
        let batches: u64 = queue.batch_sizes.iter().sum();
        let mut metric = encoder.encode_descriptor(
            "store_write_batch_size",
            "Writes committed together in one transaction",
            None,
            MetricType::Histogram,
        )?;
        metric.encode_histogram::<NoLabelSet>(
            queue.jobs as f64,
            batches,
            &buckets,
            None::<&HashMap<usize, Exemplar<NoLabelSet, f64>>>,
        )
    }
}
