//! A reporter set's stored form: a serialised Roaring bitmap of small reporter numbers.

use roaring::RoaringBitmap;

use crate::{StoreError, StoreResult};

/// A stored set of reporter numbers.
pub(crate) fn decode_reporter_set(bytes: &[u8]) -> StoreResult<RoaringBitmap> {
    RoaringBitmap::deserialize_from(bytes)
        .map_err(|e| StoreError::Other(format!("a stored reporter set is damaged: {e}")))
}

/// The bytes to store for a set of reporter numbers.
pub(crate) fn encode_reporter_set(members: &RoaringBitmap) -> StoreResult<Vec<u8>> {
    let mut bytes = Vec::with_capacity(members.serialized_size());
    members
        .serialize_into(&mut bytes)
        .map_err(StoreError::other)?;
    Ok(bytes)
}

/// A reporter number as a bitmap member.
pub(crate) fn small_reporter_id(id: i64) -> StoreResult<u32> {
    u32::try_from(id).map_err(|_| StoreError::Other(format!("reporter number {id} overflows")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_round_trips_and_damage_is_an_error() {
        let members: RoaringBitmap = [1, 5, 70_000].into_iter().collect();
        let bytes = encode_reporter_set(&members).unwrap();
        assert_eq!(decode_reporter_set(&bytes).unwrap(), members);
        assert!(decode_reporter_set(&[1, 2, 3]).is_err());
        assert!(small_reporter_id(i64::from(u32::MAX) + 1).is_err());
        assert_eq!(small_reporter_id(7).unwrap(), 7);
    }
}
