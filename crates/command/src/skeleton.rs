//! `--generate-cli-skeleton`: a JSON document of an operation's input (or output) with
//! placeholder values, to fill in and pass back with `--cli-input-json`.

use awsmodel::{Operation, ServiceModel, Shape, ShapeKind};
use serde_json::{Map, Value};

/// The skeleton of an operation's input, or of its output when `output` is true.
pub fn for_operation(model: &ServiceModel, op: &Operation, output: bool) -> Value {
    let r = if output {
        op.output.as_ref()
    } else {
        op.input.as_ref()
    };
    match r.and_then(|r| model.shape(&r.shape)) {
        Some(s) => {
            let mut stack = Vec::new();
            gen(
                model,
                s,
                &r.map(|r| r.shape.clone()).unwrap_or_default(),
                &mut stack,
            )
        }
        None => Value::Object(Map::new()),
    }
}

fn gen(model: &ServiceModel, shape: &Shape, name: &str, stack: &mut Vec<String>) -> Value {
    if shape.document {
        return Value::Object(Map::new());
    }
    if stack.iter().filter(|s| *s == name).count() > 1 {
        return Value::Object(Map::new());
    }
    stack.push(name.to_string());
    let v = match shape.kind {
        ShapeKind::Structure => {
            let mut m = Map::new();
            for (k, r) in &shape.members {
                if let Some(s) = model.shape(&r.shape) {
                    m.insert(k.clone(), gen(model, s, &r.shape, stack));
                }
            }
            Value::Object(m)
        }
        ShapeKind::List => match shape
            .member
            .as_ref()
            .and_then(|r| model.shape(&r.shape).map(|s| (r, s)))
        {
            Some((r, s)) => Value::Array(vec![gen(model, s, &r.shape, stack)]),
            None => Value::Array(vec![]),
        },
        ShapeKind::Map => {
            let mut m = Map::new();
            if let Some((r, s)) = shape
                .value
                .as_ref()
                .and_then(|r| model.shape(&r.shape).map(|s| (r, s)))
            {
                m.insert("KeyName".to_string(), gen(model, s, &r.shape, stack));
            }
            Value::Object(m)
        }
        ShapeKind::String => {
            if shape.enum_values.is_empty() {
                Value::String(String::new())
            } else {
                Value::String(shape.enum_values.join("|"))
            }
        }
        ShapeKind::Integer | ShapeKind::Long => Value::from(0),
        ShapeKind::Float | ShapeKind::Double => Value::from(0.0),
        ShapeKind::Boolean => Value::Bool(true),
        ShapeKind::Timestamp => Value::String("1970-01-01T00:00:00Z".to_string()),
        ShapeKind::Blob => Value::String(String::new()),
        ShapeKind::Unknown => Value::Null,
    };
    stack.pop();
    v
}
