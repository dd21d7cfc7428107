//! A small pool of read-only connections, used from blocking threads.
//!
//! WAL mode lets readers run beside the writer; each read sees the last commit.

use std::sync::{Arc, Mutex};

use rusqlite::Connection;
use tokio::sync::Semaphore;

use crate::{StoreError, StoreResult};

#[derive(Clone)]
pub struct Readers {
    idle: Arc<Mutex<Vec<Connection>>>,
    permits: Arc<Semaphore>,
}

impl Readers {
    pub fn new(connections: Vec<Connection>) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(connections.len())),
            idle: Arc::new(Mutex::new(connections)),
        }
    }

    /// Run `work` on an idle connection in a blocking thread.
    pub async fn read<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| StoreError::other("the reader pool is closed"))?;
        let idle = Arc::clone(&self.idle);
        tokio::task::spawn_blocking(move || {
            let conn = idle
                .lock()
                .map_err(|_| StoreError::other("reader pool poisoned"))?
                .pop()
                .ok_or_else(|| StoreError::other("no idle reader despite a permit"))?;
            let result = work(&conn);
            if let Ok(mut idle) = idle.lock() {
                idle.push(conn);
            }
            result
        })
        .await
        .map_err(StoreError::other)?
    }
}
