//! `--query`: JMESPath parsed by the `jmespath` crate, evaluated here with the semantics of
//! the Python `jmespath` package the AWS CLI runs.
//!
//! Why not the crate's own interpreter: its objects are `BTreeMap`s, so every object a query
//! returns would come out with its keys sorted (the CLI keeps the response's order and the
//! order of a multi-select hash), and its numbers lose Python's int/float distinction
//! (`length(@)` would print `3.0`). This evaluator works on `serde_json::Value` (insertion
//! ordered) and follows `jmespath/visitor.py` and `jmespath/functions.py`: Python equality
//! (`1 == 1.0`, but `0 != false` at the top level), string ordering comparisons, `ceil` and
//! `floor` returning integers, `sum` keeping integers, Python's error messages.
//!
//! The CLI also accepts the deprecated backtick string literal (`` `running` `` for
//! `` `"running"` ``); the crate does not, so such literals are rewritten before parsing.

use std::cmp::Ordering;
use std::collections::HashMap;

use jmespath::ast::{Ast, Comparator};
use serde_json::{Map, Number, Value};

use super::pyfmt::{json_compact_into, py_repr, py_str, py_type_name};
use super::OutputError;

/// A compiled `--query` expression.
#[derive(Debug, Clone)]
pub struct Query {
    expression: String,
    ast: Ast,
    /// JSON literals by their byte offset in the parsed text, parsed with key order kept.
    literals: HashMap<usize, Value>,
}

impl Query {
    /// Parses `expression`; a syntax error is the CLI's "Bad value for --query" error, which
    /// the CLI reports before sending any request.
    pub fn compile(expression: &str) -> Result<Query, OutputError> {
        if expression.is_empty() {
            return Err(OutputError::BadQuery {
                expression: String::new(),
                message: "Invalid JMESPath expression: cannot be empty.".to_owned(),
            });
        }
        let (rewritten, literals) = prepare_literals(expression);
        let ast = jmespath::parse(&rewritten).map_err(|e| OutputError::BadQuery {
            expression: expression.to_owned(),
            message: describe_parse_error(&e),
        })?;
        Ok(Query {
            expression: expression.to_owned(),
            ast,
            literals,
        })
    }

    /// The expression as given.
    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// Evaluates the query against `data`.
    pub fn search(&self, data: &Value) -> Result<Value, OutputError> {
        self.eval(&self.ast, data)
    }
}

fn describe_parse_error(e: &jmespath::JmespathError) -> String {
    let caret = format!("{}^", " ".repeat(e.column));
    let reason = e.reason.to_string();
    let expr_line = e.expression.lines().nth(e.line).unwrap_or(&e.expression);
    format!("{reason} at column {}:\n{expr_line}\n{caret}", e.column)
}

/// Scans the expression the way the lexer does (quoted identifiers, raw strings and JSON
/// literals may contain any character), keeps each JSON literal's value with its key order,
/// and rewrites the deprecated unquoted string literals the Python lexer still accepts.
fn prepare_literals(expression: &str) -> (String, HashMap<usize, Value>) {
    let mut out = String::with_capacity(expression.len());
    let mut literals = HashMap::new();
    let mut chars = expression.chars().peekable();
    // Collects the text up to the closing `delim`, backslash pairs kept as they are.
    fn consume_inside(
        chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
        delim: char,
    ) -> (String, bool) {
        let mut buf = String::new();
        while let Some(c) = chars.next() {
            if c == delim {
                return (buf, true);
            }
            buf.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    buf.push(n);
                }
            }
        }
        (buf, false)
    }
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                let (inner, closed) = consume_inside(&mut chars, c);
                out.push(c);
                out.push_str(&inner);
                if closed {
                    out.push(c);
                }
            }
            '`' => {
                let (inner, closed) = consume_inside(&mut chars, '`');
                if !closed {
                    out.push('`');
                    out.push_str(&inner);
                    continue;
                }
                let unescaped = inner.replace("\\`", "`");
                if let Ok(value) = serde_json::from_str::<Value>(&unescaped) {
                    literals.insert(out.len(), value);
                    out.push('`');
                    out.push_str(&inner);
                    out.push('`');
                } else if let Ok(Value::String(s)) =
                    serde_json::from_str::<Value>(&format!("\"{}\"", unescaped.trim_start()))
                {
                    // JEP-12's deprecated form: `foo` is the string "foo".
                    literals.insert(out.len(), Value::String(s.clone()));
                    let mut json = String::new();
                    super::pyfmt::json_str_into(&s, true, &mut json);
                    out.push('`');
                    out.push_str(&json.replace('`', "\\`"));
                    out.push('`');
                } else {
                    out.push('`');
                    out.push_str(&inner);
                    out.push('`');
                }
            }
            other => out.push(other),
        }
    }
    (out, literals)
}

fn query_error(message: impl Into<String>) -> OutputError {
    OutputError::Query(message.into())
}

/// JMESPath falsiness as Python's jmespath tests it.
fn is_false(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        Value::Number(_) => false,
    }
}

/// A Python number: `int` (kept exact where it fits) or `float`.
#[derive(Debug, Clone, Copy)]
enum PyNum {
    Int(i128),
    Float(f64),
}

impl PyNum {
    fn of(n: &Number) -> PyNum {
        if let Some(i) = n.as_i64() {
            PyNum::Int(i as i128)
        } else if let Some(u) = n.as_u64() {
            PyNum::Int(u as i128)
        } else {
            PyNum::Float(n.as_f64().unwrap_or(f64::NAN))
        }
    }

    /// A number, or a bool as the int Python treats it as.
    fn of_value(v: &Value) -> Option<PyNum> {
        match v {
            Value::Number(n) => Some(PyNum::of(n)),
            Value::Bool(b) => Some(PyNum::Int(*b as i128)),
            _ => None,
        }
    }

    fn as_f64(self) -> f64 {
        match self {
            PyNum::Int(i) => i as f64,
            PyNum::Float(f) => f,
        }
    }

    fn cmp(self, other: PyNum) -> Option<Ordering> {
        match (self, other) {
            (PyNum::Int(a), PyNum::Int(b)) => Some(a.cmp(&b)),
            (a, b) => a.as_f64().partial_cmp(&b.as_f64()),
        }
    }

    fn add(self, other: PyNum) -> PyNum {
        match (self, other) {
            (PyNum::Int(a), PyNum::Int(b)) => match a.checked_add(b) {
                Some(s) => PyNum::Int(s),
                None => PyNum::Float(a as f64 + b as f64),
            },
            (a, b) => PyNum::Float(a.as_f64() + b.as_f64()),
        }
    }

    fn to_value(self) -> Value {
        match self {
            PyNum::Int(i) => {
                if let Ok(v) = i64::try_from(i) {
                    Value::from(v)
                } else if let Ok(v) = u64::try_from(i) {
                    Value::from(v)
                } else {
                    float_value(i as f64)
                }
            }
            PyNum::Float(f) => float_value(f),
        }
    }
}

fn float_value(f: f64) -> Value {
    Number::from_f64(f)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// Python `==` between two values (inside containers a bool equals 1 or 0).
fn py_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| py_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
        }
        _ => match (PyNum::of_value(a), PyNum::of_value(b)) {
            (Some(x), Some(y)) => x.cmp(y) == Some(Ordering::Equal),
            _ => false,
        },
    }
}

/// jmespath's `==`: Python equality, except that a number never equals a boolean.
fn jp_equals(x: &Value, y: &Value) -> bool {
    let special = |n: &Value, other: &Value| -> bool {
        if let Value::Number(num) = n {
            let p = PyNum::of(num);
            let zero_or_one = matches!(p.cmp(PyNum::Int(0)), Some(Ordering::Equal))
                || matches!(p.cmp(PyNum::Int(1)), Some(Ordering::Equal));
            zero_or_one && other.is_boolean()
        } else {
            false
        }
    };
    if special(x, y) || special(y, x) {
        return false;
    }
    py_eq(x, y)
}

fn op_symbol(c: &Comparator) -> &'static str {
    match c {
        Comparator::LessThan => "<",
        Comparator::LessThanEqual => "<=",
        Comparator::GreaterThan => ">",
        Comparator::GreaterThanEqual => ">=",
        Comparator::Equal => "==",
        Comparator::NotEqual => "!=",
    }
}

/// Python's ordering of two numbers or two strings; a TypeError for a number and a string.
fn py_order(op: &str, a: &Value, b: &Value) -> Result<Ordering, OutputError> {
    match (a, b) {
        (Value::String(x), Value::String(y)) => Ok(x.cmp(y)),
        (Value::Number(x), Value::Number(y)) => {
            Ok(PyNum::of(x).cmp(PyNum::of(y)).unwrap_or(Ordering::Equal))
        }
        _ => Err(query_error(format!(
            "'{}' not supported between instances of '{}' and '{}'",
            op,
            py_type_name(a),
            py_type_name(b)
        ))),
    }
}

/// A function argument: a value, or an expression reference (`&expr`).
enum Arg<'a> {
    Value(Value),
    Expref(&'a Ast),
}

impl Arg<'_> {
    fn value(&self) -> &Value {
        static NULL: Value = Value::Null;
        match self {
            Arg::Value(v) => v,
            Arg::Expref(_) => &NULL,
        }
    }
}

/// jmespath's name for the type of an argument.
fn jp_type(arg: &Arg<'_>) -> &'static str {
    match arg {
        Arg::Expref(_) => "expref",
        Arg::Value(v) => jp_type_of(v),
    }
}

fn jp_type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Python's type name, which jmespath reports for array elements.
fn py_type(arg: &Arg<'_>) -> &'static str {
    match arg {
        Arg::Expref(_) => "_Expression",
        Arg::Value(v) => py_type_name(v),
    }
}

fn arg_str(arg: &Arg<'_>) -> String {
    match arg {
        Arg::Expref(_) => "<jmespath.visitor._Expression object>".to_owned(),
        Arg::Value(v) => py_str(v),
    }
}

fn type_error(function: &str, value: String, actual: &str, expected: &[&str]) -> OutputError {
    let expected = Value::Array(expected.iter().map(|s| Value::from(*s)).collect());
    query_error(format!(
        "In function {function}(), invalid type for value: {value}, expected one of: {}, received: \"{actual}\"",
        py_repr(&expected)
    ))
}

/// Python type names per jmespath type.
fn py_types_of(jp: &str) -> &'static [&'static str] {
    match jp {
        "boolean" => &["bool"],
        "array" => &["list"],
        "object" => &["dict"],
        "null" => &["NoneType"],
        "string" => &["str"],
        "number" => &["float", "int"],
        "expref" => &["_Expression"],
        _ => &[],
    }
}

/// One parameter's allowed types, in jmespath's notation (`array-number`); empty is any.
type Param = &'static [&'static str];

struct Signature {
    params: &'static [Param],
    variadic: bool,
}

const ANY: Param = &[];

fn signature(name: &str) -> Option<Signature> {
    let (params, variadic): (&'static [Param], bool) = match name {
        "abs" | "ceil" | "floor" => (&[&["number"]], false),
        "avg" | "sum" => (&[&["array-number"]], false),
        "contains" => (&[&["array", "string"], ANY], false),
        "ends_with" | "starts_with" => (&[&["string"], &["string"]], false),
        "join" => (&[&["string"], &["array-string"]], false),
        "keys" | "values" => (&[&["object"]], false),
        "length" => (&[&["string", "array", "object"]], false),
        "map" => (&[&["expref"], &["array"]], false),
        "max" | "min" => (&[&["array-number", "array-string"]], false),
        "sort" => (&[&["array-string", "array-number"]], false),
        "max_by" | "min_by" | "sort_by" => (&[&["array"], &["expref"]], false),
        "merge" => (&[&["object"]], true),
        "not_null" => (&[ANY], true),
        "reverse" => (&[&["array", "string"]], false),
        "to_array" | "to_number" | "to_string" | "type" => (&[ANY], false),
        _ => return None,
    };
    Some(Signature { params, variadic })
}

fn check_arguments(name: &str, sig: &Signature, args: &[Arg<'_>]) -> Result<(), OutputError> {
    let expected = sig.params.len();
    let plural = if expected == 1 {
        "argument"
    } else {
        "arguments"
    };
    if sig.variadic {
        if args.len() < expected {
            return Err(query_error(format!(
                "Expected at least {expected} {plural} for function {name}(), received {}",
                args.len()
            )));
        }
    } else if args.len() != expected {
        return Err(query_error(format!(
            "Expected {expected} {plural} for function {name}(), received {}",
            args.len()
        )));
    }
    for (param, arg) in sig.params.iter().zip(args) {
        if param.is_empty() {
            continue;
        }
        let mut allowed: Vec<&str> = Vec::new();
        let mut subtypes: Vec<&'static [&'static str]> = Vec::new();
        for t in param.iter() {
            match t.split_once('-') {
                Some((outer, inner)) => {
                    allowed.extend_from_slice(py_types_of(outer));
                    subtypes.push(py_types_of(inner));
                }
                None => allowed.extend_from_slice(py_types_of(t)),
            }
        }
        if !allowed.contains(&py_type(arg)) {
            return Err(type_error(name, arg_str(arg), jp_type(arg), param));
        }
        let elements = match arg.value() {
            Value::Array(a) => a,
            _ => continue,
        };
        if subtypes.len() == 1 {
            for el in elements {
                if !subtypes[0].contains(&py_type_name(el)) {
                    return Err(type_error(name, py_str(el), py_type_name(el), param));
                }
            }
        } else if subtypes.len() > 1 && !elements.is_empty() {
            let first = py_type_name(&elements[0]);
            let group = subtypes
                .iter()
                .find(|g| g.contains(&first))
                .ok_or_else(|| type_error(name, py_str(&elements[0]), first, param))?;
            for el in elements {
                if !group.contains(&py_type_name(el)) {
                    return Err(type_error(name, py_str(el), py_type_name(el), param));
                }
            }
        }
    }
    Ok(())
}

/// Python's `int(text)` / `float(text)` for `to_number`.
fn parse_py_number(text: &str) -> Option<Value> {
    let t = text.trim();
    let valid_underscores = |s: &str| -> bool {
        let b = s.as_bytes();
        b.iter().enumerate().all(|(i, c)| {
            *c != b'_'
                || (i > 0
                    && i + 1 < b.len()
                    && b[i - 1].is_ascii_digit()
                    && b[i + 1].is_ascii_digit())
        })
    };
    if !valid_underscores(t) {
        return None;
    }
    let cleaned = t.replace('_', "");
    let digits = cleaned.strip_prefix(['+', '-']).unwrap_or(&cleaned);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = cleaned.parse::<i128>() {
            return Some(PyNum::Int(i).to_value());
        }
        return cleaned.parse::<f64>().ok().map(float_value);
    }
    let lower = digits.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        // Python gives inf/nan, which a JSON value cannot hold.
        return Some(Value::Null);
    }
    if !digits.is_empty()
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return cleaned.parse::<f64>().ok().map(float_value);
    }
    None
}

/// Python's slice of a list.
fn py_slice(list: &[Value], start: Option<i32>, stop: Option<i32>, step: i32) -> Vec<Value> {
    let len = list.len() as i64;
    let step = step as i64;
    let adjust = |v: Option<i32>, default: i64| -> i64 {
        match v {
            None => default,
            Some(v) => {
                let mut v = v as i64;
                if v < 0 {
                    v += len;
                    if v < 0 {
                        v = if step < 0 { -1 } else { 0 };
                    }
                } else if v >= len {
                    v = if step < 0 { len - 1 } else { len };
                }
                v
            }
        }
    };
    let (start, stop) = if step > 0 {
        (adjust(start, 0), adjust(stop, len))
    } else {
        (adjust(start, len - 1), adjust(stop, -1))
    };
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(list[i as usize].clone());
        i += step;
    }
    out
}

impl Query {
    fn eval(&self, node: &Ast, data: &Value) -> Result<Value, OutputError> {
        Ok(match node {
            Ast::Field { name, .. } => match data {
                Value::Object(map) => map.get(name).cloned().unwrap_or(Value::Null),
                _ => Value::Null,
            },
            Ast::Subexpr { lhs, rhs, .. } => {
                let left = self.eval(lhs, data)?;
                self.eval(rhs, &left)?
            }
            Ast::Identity { .. } => data.clone(),
            Ast::Literal { value, offset } => match self.literals.get(offset) {
                Some(v) => v.clone(),
                None => serde_json::to_value(&**value).unwrap_or(Value::Null),
            },
            Ast::Index { idx, .. } => match data {
                Value::Array(list) => {
                    let i = if *idx < 0 {
                        list.len() as i64 + *idx as i64
                    } else {
                        *idx as i64
                    };
                    if i < 0 {
                        Value::Null
                    } else {
                        list.get(i as usize).cloned().unwrap_or(Value::Null)
                    }
                }
                _ => Value::Null,
            },
            Ast::Or { lhs, rhs, .. } => {
                let left = self.eval(lhs, data)?;
                if is_false(&left) {
                    self.eval(rhs, data)?
                } else {
                    left
                }
            }
            Ast::And { lhs, rhs, .. } => {
                let left = self.eval(lhs, data)?;
                if is_false(&left) {
                    left
                } else {
                    self.eval(rhs, data)?
                }
            }
            Ast::Not { node, .. } => Value::Bool(is_false(&self.eval(node, data)?)),
            Ast::Condition {
                predicate, then, ..
            } => {
                if is_false(&self.eval(predicate, data)?) {
                    Value::Null
                } else {
                    self.eval(then, data)?
                }
            }
            Ast::Comparison {
                comparator,
                lhs,
                rhs,
                ..
            } => {
                let left = self.eval(lhs, data)?;
                let right = self.eval(rhs, data)?;
                match comparator {
                    Comparator::Equal => Value::Bool(jp_equals(&left, &right)),
                    Comparator::NotEqual => Value::Bool(!jp_equals(&left, &right)),
                    ordering => {
                        let comparable = |v: &Value| v.is_number() || v.is_string();
                        if !comparable(&left) || !comparable(&right) {
                            Value::Null
                        } else {
                            let ord = py_order(op_symbol(ordering), &left, &right)?;
                            Value::Bool(match ordering {
                                Comparator::LessThan => ord == Ordering::Less,
                                Comparator::LessThanEqual => ord != Ordering::Greater,
                                Comparator::GreaterThan => ord == Ordering::Greater,
                                _ => ord != Ordering::Less,
                            })
                        }
                    }
                }
            }
            Ast::ObjectValues { node, .. } => match self.eval(node, data)? {
                Value::Object(map) => Value::Array(map.into_iter().map(|(_, v)| v).collect()),
                _ => Value::Null,
            },
            Ast::Projection { lhs, rhs, .. } => match self.eval(lhs, data)? {
                Value::Array(list) => {
                    let mut collected = Vec::new();
                    for element in &list {
                        let current = self.eval(rhs, element)?;
                        if !current.is_null() {
                            collected.push(current);
                        }
                    }
                    Value::Array(collected)
                }
                _ => Value::Null,
            },
            Ast::Flatten { node, .. } => match self.eval(node, data)? {
                Value::Array(list) => {
                    let mut merged = Vec::new();
                    for element in list {
                        match element {
                            Value::Array(inner) => merged.extend(inner),
                            other => merged.push(other),
                        }
                    }
                    Value::Array(merged)
                }
                _ => Value::Null,
            },
            Ast::MultiList { elements, .. } => {
                if data.is_null() {
                    Value::Null
                } else {
                    let mut collected = Vec::with_capacity(elements.len());
                    for e in elements {
                        collected.push(self.eval(e, data)?);
                    }
                    Value::Array(collected)
                }
            }
            Ast::MultiHash { elements, .. } => {
                if data.is_null() {
                    Value::Null
                } else {
                    let mut collected = Map::new();
                    for kv in elements {
                        collected.insert(kv.key.clone(), self.eval(&kv.value, data)?);
                    }
                    Value::Object(collected)
                }
            }
            Ast::Function { name, args, .. } => {
                let mut resolved = Vec::with_capacity(args.len());
                for a in args {
                    resolved.push(match a {
                        Ast::Expref { ast, .. } => Arg::Expref(ast),
                        other => Arg::Value(self.eval(other, data)?),
                    });
                }
                self.call(name, resolved)?
            }
            Ast::Expref { .. } => {
                return Err(query_error(
                    "An expression reference (&expr) can only be a function argument",
                ))
            }
            Ast::Slice {
                start, stop, step, ..
            } => match data {
                Value::Array(list) => {
                    if *step == 0 {
                        return Err(query_error("slice step cannot be zero"));
                    }
                    Value::Array(py_slice(list, *start, *stop, *step))
                }
                _ => Value::Null,
            },
        })
    }

    /// Evaluates `&expr` against each element and checks that the keys are of `allowed` types.
    fn key_of(
        &self,
        function: &str,
        expref: &Ast,
        element: &Value,
        allowed: &[&str],
    ) -> Result<Value, OutputError> {
        let key = self.eval(expref, element)?;
        let t = jp_type_of(&key);
        if !allowed.contains(&t) {
            return Err(type_error(function, py_str(&key), t, allowed));
        }
        Ok(key)
    }

    fn call(&self, name: &str, args: Vec<Arg<'_>>) -> Result<Value, OutputError> {
        let sig =
            signature(name).ok_or_else(|| query_error(format!("Unknown function: {name}()")))?;
        check_arguments(name, &sig, &args)?;
        let v = |i: usize| args[i].value();
        let expref = |i: usize| match &args[i] {
            Arg::Expref(ast) => *ast,
            Arg::Value(_) => unreachable!("checked by the signature"),
        };
        let array = |i: usize| v(i).as_array().map(Vec::as_slice).unwrap_or(&[]);
        Ok(match name {
            "abs" => match PyNum::of_value(v(0)) {
                Some(PyNum::Int(i)) => PyNum::Int(i.abs()).to_value(),
                Some(PyNum::Float(f)) => float_value(f.abs()),
                None => Value::Null,
            },
            "avg" => {
                let items = array(0);
                if items.is_empty() {
                    Value::Null
                } else {
                    let total = sum(items);
                    float_value(total.as_f64() / items.len() as f64)
                }
            }
            "ceil" | "floor" => match PyNum::of_value(v(0)) {
                Some(PyNum::Int(i)) => PyNum::Int(i).to_value(),
                Some(PyNum::Float(f)) => {
                    let r = if name == "ceil" { f.ceil() } else { f.floor() };
                    if r.is_finite() && r.abs() < 1.0e38 {
                        PyNum::Int(r as i128).to_value()
                    } else {
                        float_value(r)
                    }
                }
                None => Value::Null,
            },
            "contains" => match v(0) {
                Value::Array(items) => Value::Bool(items.iter().any(|e| py_eq(v(1), e))),
                Value::String(s) => match v(1) {
                    Value::String(needle) => Value::Bool(s.contains(needle.as_str())),
                    other => {
                        return Err(query_error(format!(
                            "'in <string>' requires string as left operand, not {}",
                            py_type_name(other)
                        )))
                    }
                },
                _ => Value::Null,
            },
            "ends_with" => Value::Bool(str_of(v(0)).ends_with(str_of(v(1)))),
            "starts_with" => Value::Bool(str_of(v(0)).starts_with(str_of(v(1)))),
            "join" => {
                let parts: Vec<&str> = array(1).iter().map(str_of).collect();
                Value::String(parts.join(str_of(v(0))))
            }
            "keys" => Value::Array(
                v(0).as_object()
                    .map(|m| m.keys().cloned().map(Value::String).collect())
                    .unwrap_or_default(),
            ),
            "values" => Value::Array(
                v(0).as_object()
                    .map(|m| m.values().cloned().collect())
                    .unwrap_or_default(),
            ),
            "length" => Value::from(match v(0) {
                Value::String(s) => s.chars().count(),
                Value::Array(a) => a.len(),
                Value::Object(m) => m.len(),
                _ => 0,
            }),
            "map" => {
                let e = expref(0);
                let mut out = Vec::new();
                for element in array(1) {
                    out.push(self.eval(e, element)?);
                }
                Value::Array(out)
            }
            "max" | "min" => {
                let items = array(0);
                let (op, want) = if name == "max" {
                    (">", Ordering::Greater)
                } else {
                    ("<", Ordering::Less)
                };
                let mut best: Option<&Value> = None;
                for item in items {
                    best = match best {
                        None => Some(item),
                        Some(b) if py_order(op, item, b)? == want => Some(item),
                        keep => keep,
                    };
                }
                best.cloned().unwrap_or(Value::Null)
            }
            "max_by" | "min_by" => {
                let e = expref(1);
                let (op, want) = if name == "max_by" {
                    (">", Ordering::Greater)
                } else {
                    ("<", Ordering::Less)
                };
                let mut best: Option<(&Value, Value)> = None;
                for item in array(0) {
                    let key = self.key_of(name, e, item, &["number", "string"])?;
                    best = match best {
                        None => Some((item, key)),
                        Some((b, bkey)) => {
                            if py_order(op, &key, &bkey)? == want {
                                Some((item, key))
                            } else {
                                Some((b, bkey))
                            }
                        }
                    };
                }
                best.map(|(b, _)| b.clone()).unwrap_or(Value::Null)
            }
            "merge" => {
                let mut merged = Map::new();
                for a in &args {
                    match a.value() {
                        Value::Object(m) => {
                            for (k, val) in m {
                                merged.insert(k.clone(), val.clone());
                            }
                        }
                        other => {
                            return Err(type_error(
                                name,
                                py_str(other),
                                jp_type_of(other),
                                &["object"],
                            ))
                        }
                    }
                }
                Value::Object(merged)
            }
            "not_null" => args
                .iter()
                .map(Arg::value)
                .find(|a| !a.is_null())
                .cloned()
                .unwrap_or(Value::Null),
            "reverse" => match v(0) {
                Value::String(s) => Value::String(s.chars().rev().collect()),
                Value::Array(a) => Value::Array(a.iter().rev().cloned().collect()),
                _ => Value::Null,
            },
            "sort" => {
                let mut items = array(0).to_vec();
                let mut failure = None;
                items.sort_by(|a, b| match py_order("<", a, b) {
                    Ok(o) => o,
                    Err(e) => {
                        failure.get_or_insert(e);
                        Ordering::Equal
                    }
                });
                if let Some(e) = failure {
                    return Err(e);
                }
                Value::Array(items)
            }
            "sort_by" => {
                let items = array(0);
                if items.is_empty() {
                    return Ok(Value::Array(Vec::new()));
                }
                let e = expref(1);
                let first = self.eval(e, &items[0])?;
                let required = jp_type_of(&first);
                if required != "number" && required != "string" {
                    return Err(type_error(
                        name,
                        py_str(&items[0]),
                        required,
                        &["string", "number"],
                    ));
                }
                let mut keyed = Vec::with_capacity(items.len());
                for item in items {
                    keyed.push((self.key_of(name, e, item, &[required])?, item));
                }
                keyed.sort_by(|a, b| py_order("<", &a.0, &b.0).unwrap_or(Ordering::Equal));
                Value::Array(keyed.into_iter().map(|(_, item)| item.clone()).collect())
            }
            "sum" => sum(array(0)).to_value(),
            "to_array" => match v(0) {
                Value::Array(_) => v(0).clone(),
                other => Value::Array(vec![other.clone()]),
            },
            "to_number" => match v(0) {
                Value::Number(_) => v(0).clone(),
                Value::String(s) => parse_py_number(s).unwrap_or(Value::Null),
                _ => Value::Null,
            },
            "to_string" => match v(0) {
                Value::String(_) => v(0).clone(),
                other => {
                    let mut out = String::new();
                    json_compact_into(other, true, ",", ":", &mut out);
                    Value::String(out)
                }
            },
            "type" => Value::from(jp_type_of(v(0))),
            _ => return Err(query_error(format!("Unknown function: {name}()"))),
        })
    }
}

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// Python's `sum()` of a list of numbers: exact while every term is an int.
fn sum(items: &[Value]) -> PyNum {
    items
        .iter()
        .filter_map(PyNum::of_value)
        .fold(PyNum::Int(0), PyNum::add)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(expr: &str, data: Value) -> Value {
        Query::compile(expr).unwrap().search(&data).unwrap()
    }

    #[test]
    fn keeps_key_order() {
        let data = json!({"z": 1, "a": {"y": 1, "b": 2}});
        assert_eq!(
            serde_json::to_string(&q("a", data.clone())).unwrap(),
            r#"{"y":1,"b":2}"#
        );
        assert_eq!(
            serde_json::to_string(&q("{z: z, a: a.b}", data)).unwrap(),
            r#"{"z":1,"a":2}"#
        );
    }

    #[test]
    fn python_numbers() {
        assert_eq!(q("length(@)", json!([1, 2, 3])), json!(3));
        assert_eq!(q("sum(@)", json!([1, 2, 3])), json!(6));
        assert_eq!(q("sum(@)", json!([1, 2.5])), json!(3.5));
        assert_eq!(q("avg(@)", json!([1, 2])), json!(1.5));
        assert_eq!(q("ceil(`1.2`)", json!(null)), json!(2));
        assert!(q("ceil(`1.2`)", json!(null)).is_i64());
    }

    #[test]
    fn deprecated_literals() {
        assert_eq!(q("[?a==`x`].b", json!([{"a": "x", "b": 1}])), json!([1]));
        assert_eq!(
            q("`{\"b\": 1, \"a\": 2}`", json!(null))
                .as_object()
                .unwrap()
                .keys()
                .next()
                .unwrap(),
            "b"
        );
    }

    #[test]
    fn equality_quirks() {
        assert_eq!(q("`0` == `false`", json!(null)), json!(false));
        assert_eq!(q("`[1]` == `[true]`", json!(null)), json!(true));
        assert_eq!(q("`1` == `1.0`", json!(null)), json!(true));
    }

    #[test]
    fn slices() {
        let data = json!([0, 1, 2, 3, 4, 5]);
        assert_eq!(q("[::-1]", data.clone()), json!([5, 4, 3, 2, 1, 0]));
        assert_eq!(q("[-2:]", data.clone()), json!([4, 5]));
        assert_eq!(q("[1:5:2]", data.clone()), json!([1, 3]));
        assert_eq!(q("[10:]", data), json!([]));
    }

    #[test]
    fn errors() {
        assert!(matches!(
            Query::compile("foo["),
            Err(OutputError::BadQuery { .. })
        ));
        let e = Query::compile("length(@, @)")
            .unwrap()
            .search(&json!(1))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "Expected 1 argument for function length(), received 2"
        );
        let e = Query::compile("sum(@)")
            .unwrap()
            .search(&json!(["a"]))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "In function sum(), invalid type for value: a, expected one of: ['array-number'], received: \"str\""
        );
    }
}
