//! A JSON value whose arrays and objects are shared, as Python objects are.
//!
//! A JMESPath query can select one object twice (`{a: Tags, b: Tags}`); Python's jmespath
//! then returns the same object twice, and ruamel.yaml writes it once with an anchor
//! (`&id001`) and then as an alias (`*id001`). Evaluating queries on reference-counted nodes
//! keeps that identity, so the YAML output can do the same.

use std::rc::Rc;

use indexmap::IndexMap;
use serde_json::{Number, Value};

pub type RMap = IndexMap<String, RVal>;

#[derive(Clone, Debug)]
pub enum RVal {
    Null,
    Bool(bool),
    Number(Number),
    String(Rc<str>),
    Array(Rc<Vec<RVal>>),
    Object(Rc<RMap>),
}

impl RVal {
    pub fn from_json(v: &Value) -> RVal {
        match v {
            Value::Null => RVal::Null,
            Value::Bool(b) => RVal::Bool(*b),
            Value::Number(n) => RVal::Number(n.clone()),
            Value::String(s) => RVal::String(Rc::from(s.as_str())),
            Value::Array(a) => RVal::Array(Rc::new(a.iter().map(RVal::from_json).collect())),
            Value::Object(m) => RVal::Object(Rc::new(
                m.iter()
                    .map(|(k, v)| (k.clone(), RVal::from_json(v)))
                    .collect(),
            )),
        }
    }

    pub fn to_json(&self) -> Value {
        match self {
            RVal::Null => Value::Null,
            RVal::Bool(b) => Value::Bool(*b),
            RVal::Number(n) => Value::Number(n.clone()),
            RVal::String(s) => Value::String(s.to_string()),
            RVal::Array(a) => Value::Array(a.iter().map(RVal::to_json).collect()),
            RVal::Object(m) => {
                Value::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
        }
    }

    pub fn array(items: Vec<RVal>) -> RVal {
        RVal::Array(Rc::new(items))
    }

    pub fn object(map: RMap) -> RVal {
        RVal::Object(Rc::new(map))
    }

    pub fn string(s: &str) -> RVal {
        RVal::String(Rc::from(s))
    }

    /// The identity of an array or object (Python's `id()`); scalars have none.
    pub fn identity(&self) -> Option<usize> {
        match self {
            RVal::Array(a) => Some(Rc::as_ptr(a) as *const () as usize),
            RVal::Object(m) => Some(Rc::as_ptr(m) as *const () as usize),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, RVal::Null)
    }

    pub fn as_array(&self) -> Option<&[RVal]> {
        match self {
            RVal::Array(a) => Some(a.as_slice()),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&RMap> {
        match self {
            RVal::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            RVal::String(s) => Some(s),
            _ => None,
        }
    }
}

impl From<bool> for RVal {
    fn from(b: bool) -> Self {
        RVal::Bool(b)
    }
}

impl From<i64> for RVal {
    fn from(i: i64) -> Self {
        RVal::Number(i.into())
    }
}

impl From<u64> for RVal {
    fn from(u: u64) -> Self {
        RVal::Number(u.into())
    }
}

impl From<usize> for RVal {
    fn from(u: usize) -> Self {
        RVal::Number((u as u64).into())
    }
}

impl From<&str> for RVal {
    fn from(s: &str) -> Self {
        RVal::string(s)
    }
}
