//! PATCH bodies: a field may be absent (keep), `null` (clear) or a value (set).

use serde::{Deserialize, Deserializer};

/// A field of a PATCH body. `#[serde(default)]` makes absence `Keep`.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Field<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(d)? {
            None => Field::Clear,
            Some(v) => Field::Set(v),
        })
    }
}

impl<T> Field<T> {
    /// For a field that cannot be empty: `null` is an error naming the field.
    pub fn required(&self, field: &str) -> Result<Option<&T>, crate::AppError> {
        match self {
            Field::Keep => Ok(None),
            Field::Clear => Err(crate::AppError::invalid(field, "must not be null")),
            Field::Set(v) => Ok(Some(v)),
        }
    }
}
