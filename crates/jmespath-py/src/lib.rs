//! JMESPath parsed by the `jmespath` crate, evaluated here with the semantics of the Python
//! `jmespath` package that botocore and the AWS CLI run: botocore's paginators read their
//! result keys and tokens with it (`wire::paging`), the CLI's `--query` filters what it prints
//! (`cli-output`). A crate of its own so that the request path can page without depending on
//! the printer.
//!
//! Why not the crate's own interpreter: its objects are `BTreeMap`s, so every object a query
//! returns would come out with its keys sorted (the CLI keeps the response's order and the
//! order of a multi-select hash), and its numbers lose Python's int/float distinction
//! (`length(@)` would print `3.0`). This evaluator follows `jmespath/visitor.py` and
//! `jmespath/functions.py`: Python equality (`1 == 1.0`, but `0 != false` at the top level),
//! string ordering comparisons, `ceil` and `floor` returning integers, `sum` keeping integers,
//! `merge` going through `dict.update`, Python's error messages. It works on shared nodes
//! ([`RVal`]) so that an object selected twice is the same object twice, as in Python (the
//! YAML output writes it as an anchor and an alias).
//!
//! The CLI also accepts the deprecated backtick string literal (`` `running` `` for
//! `` `"running"` ``); the crate does not, so such literals are rewritten before parsing.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;

use jmespath::ast::{Ast, Comparator};
use serde_json::{Number, Value};

use pyrepr::{json_compact_into, py_repr, py_str};

mod shared;

pub use shared::{RMap, RVal};

/// Why a query failed, with the message the AWS CLI prints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// The expression does not parse. The CLI reports this before sending the request:
    /// compile the query with [`Query::compile`] up front to do the same.
    #[error("Bad value for --query {expression}: {message}")]
    BadQuery { expression: String, message: String },
    /// Evaluating the query failed (a function given the wrong types, an unknown function,
    /// ...); the message is the one Python's jmespath raises.
    #[error("{0}")]
    Query(String),
}

/// A compiled `--query` expression (`Send` and `Sync`: the parsed form is rebuilt per search).
#[derive(Debug, Clone)]
pub struct Query {
    expression: String,
    /// The expression with deprecated literals rewritten: what the parser accepts.
    parsed_text: String,
    /// JSON literals by their byte offset in `parsed_text`, parsed with key order kept.
    literals: HashMap<usize, Value>,
}

impl Query {
    /// Parses `expression`; a syntax error is the CLI's "Bad value for --query" error, which
    /// the CLI reports before sending any request.
    pub fn compile(expression: &str) -> Result<Query, QueryError> {
        if expression.is_empty() {
            return Err(QueryError::BadQuery {
                expression: String::new(),
                message: "Invalid JMESPath expression: cannot be empty.".to_owned(),
            });
        }
        let (parsed_text, literals) = prepare_literals(expression);
        jmespath::parse(&parsed_text).map_err(|e| QueryError::BadQuery {
            expression: expression.to_owned(),
            message: describe_parse_error(&e),
        })?;
        Ok(Query {
            expression: expression.to_owned(),
            parsed_text,
            literals,
        })
    }

    /// The expression as given.
    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// Evaluates the query against `data`.
    pub fn search(&self, data: &Value) -> Result<Value, QueryError> {
        Ok(self.search_shared(&RVal::from_json(data))?.to_json())
    }

    /// Evaluates the query on shared nodes, keeping which selected objects are the same
    /// object (the YAML output writes those as an anchor and aliases).
    pub fn search_shared(&self, data: &RVal) -> Result<RVal, QueryError> {
        let ast = jmespath::parse(&self.parsed_text).map_err(|e| QueryError::BadQuery {
            expression: self.expression.clone(),
            message: describe_parse_error(&e),
        })?;
        let eval = Eval {
            query: self,
            literals: RefCell::new(HashMap::new()),
        };
        eval.eval(&ast, data)
    }
}

/// One evaluation: a literal is one object however often it is evaluated, as in Python.
struct Eval<'q> {
    query: &'q Query,
    literals: RefCell<HashMap<usize, RVal>>,
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
                    pyrepr::json_str_into(&s, true, &mut json);
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

fn query_error(message: impl Into<String>) -> QueryError {
    QueryError::Query(message.into())
}

/// JMESPath falsiness as Python's jmespath tests it.
fn is_false(v: &RVal) -> bool {
    match v {
        RVal::Null => true,
        RVal::Bool(b) => !b,
        RVal::String(s) => s.is_empty(),
        RVal::Array(a) => a.is_empty(),
        RVal::Object(m) => m.is_empty(),
        RVal::Number(_) => false,
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
    fn of_value(v: &RVal) -> Option<PyNum> {
        match v {
            RVal::Number(n) => Some(PyNum::of(n)),
            RVal::Bool(b) => Some(PyNum::Int(*b as i128)),
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

    fn to_value(self) -> RVal {
        match self {
            PyNum::Int(i) => {
                if let Ok(v) = i64::try_from(i) {
                    RVal::from(v)
                } else if let Ok(v) = u64::try_from(i) {
                    RVal::from(v)
                } else {
                    float_value(i as f64)
                }
            }
            PyNum::Float(f) => float_value(f),
        }
    }
}

fn float_value(f: f64) -> RVal {
    Number::from_f64(f).map(RVal::Number).unwrap_or(RVal::Null)
}

/// Python `==` between two values (inside containers a bool equals 1 or 0).
fn py_eq(a: &RVal, b: &RVal) -> bool {
    match (a, b) {
        (RVal::Null, RVal::Null) => true,
        (RVal::String(x), RVal::String(y)) => x == y,
        (RVal::Array(x), RVal::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| py_eq(p, q))
        }
        (RVal::Object(x), RVal::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
        }
        _ => match (PyNum::of_value(a), PyNum::of_value(b)) {
            (Some(x), Some(y)) => x.cmp(y) == Some(Ordering::Equal),
            _ => false,
        },
    }
}

/// jmespath's `==`: Python equality, except that a number never equals a boolean.
fn jp_equals(x: &RVal, y: &RVal) -> bool {
    let special = |n: &RVal, other: &RVal| -> bool {
        if let RVal::Number(num) = n {
            let p = PyNum::of(num);
            let zero_or_one = p.cmp(PyNum::Int(0)) == Some(Ordering::Equal)
                || p.cmp(PyNum::Int(1)) == Some(Ordering::Equal);
            zero_or_one && matches!(other, RVal::Bool(_))
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

fn type_name(v: &RVal) -> &'static str {
    match v {
        RVal::Null => "NoneType",
        RVal::Bool(_) => "bool",
        RVal::Number(n) if n.is_f64() => "float",
        RVal::Number(_) => "int",
        RVal::String(_) => "str",
        RVal::Array(_) => "list",
        RVal::Object(_) => "dict",
    }
}

/// Python's `str()` of a value, for error messages.
fn str_of_value(v: &RVal) -> String {
    py_str(&v.to_json())
}

/// Python's ordering of two numbers or two strings; a TypeError for a number and a string.
fn py_order(op: &str, a: &RVal, b: &RVal) -> Result<Ordering, QueryError> {
    match (a, b) {
        (RVal::String(x), RVal::String(y)) => Ok(x.cmp(y)),
        (RVal::Number(x), RVal::Number(y)) => {
            Ok(PyNum::of(x).cmp(PyNum::of(y)).unwrap_or(Ordering::Equal))
        }
        _ => Err(query_error(format!(
            "'{}' not supported between instances of '{}' and '{}'",
            op,
            type_name(a),
            type_name(b)
        ))),
    }
}

/// A function argument: a value, or an expression reference (`&expr`).
enum Arg<'a> {
    Value(RVal),
    Expref(&'a Ast),
}

impl Arg<'_> {
    fn value(&self) -> &RVal {
        const NULL: &RVal = &RVal::Null;
        match self {
            Arg::Value(v) => v,
            Arg::Expref(_) => NULL,
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

fn jp_type_of(v: &RVal) -> &'static str {
    match v {
        RVal::Null => "null",
        RVal::Bool(_) => "boolean",
        RVal::Number(_) => "number",
        RVal::String(_) => "string",
        RVal::Array(_) => "array",
        RVal::Object(_) => "object",
    }
}

/// Python's type name, which jmespath reports for array elements.
fn py_type(arg: &Arg<'_>) -> &'static str {
    match arg {
        Arg::Expref(_) => "_Expression",
        Arg::Value(v) => type_name(v),
    }
}

fn arg_str(arg: &Arg<'_>) -> String {
    match arg {
        Arg::Expref(_) => "<jmespath.visitor._Expression object>".to_owned(),
        Arg::Value(v) => str_of_value(v),
    }
}

fn type_error(function: &str, value: String, actual: &str, expected: &[&str]) -> QueryError {
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

fn check_arguments(name: &str, sig: &Signature, args: &[Arg<'_>]) -> Result<(), QueryError> {
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
            RVal::Array(a) => a,
            _ => continue,
        };
        if subtypes.len() == 1 {
            for el in elements.iter() {
                if !subtypes[0].contains(&type_name(el)) {
                    return Err(type_error(name, str_of_value(el), type_name(el), param));
                }
            }
        } else if subtypes.len() > 1 && !elements.is_empty() {
            let first = type_name(&elements[0]);
            let group = subtypes
                .iter()
                .find(|g| g.contains(&first))
                .ok_or_else(|| type_error(name, str_of_value(&elements[0]), first, param))?;
            for el in elements.iter() {
                if !group.contains(&type_name(el)) {
                    return Err(type_error(name, str_of_value(el), type_name(el), param));
                }
            }
        }
    }
    Ok(())
}

/// Python's `int(text)` / `float(text)` for `to_number`.
fn parse_py_number(text: &str) -> Option<RVal> {
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
        return Some(RVal::Null);
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
fn py_slice(list: &[RVal], start: Option<i32>, stop: Option<i32>, step: i32) -> Vec<RVal> {
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

impl Eval<'_> {
    fn eval(&self, node: &Ast, data: &RVal) -> Result<RVal, QueryError> {
        Ok(match node {
            Ast::Field { name, .. } => match data {
                RVal::Object(map) => map.get(name).cloned().unwrap_or(RVal::Null),
                _ => RVal::Null,
            },
            Ast::Subexpr { lhs, rhs, .. } => {
                let left = self.eval(lhs, data)?;
                self.eval(rhs, &left)?
            }
            Ast::Identity { .. } => data.clone(),
            Ast::Literal { value, offset } => {
                let mut cache = self.literals.borrow_mut();
                cache
                    .entry(*offset)
                    .or_insert_with(|| match self.query.literals.get(offset) {
                        Some(v) => RVal::from_json(v),
                        None => {
                            RVal::from_json(&serde_json::to_value(&**value).unwrap_or(Value::Null))
                        }
                    })
                    .clone()
            }
            Ast::Index { idx, .. } => match data {
                RVal::Array(list) => {
                    let i = if *idx < 0 {
                        list.len() as i64 + *idx as i64
                    } else {
                        *idx as i64
                    };
                    if i < 0 {
                        RVal::Null
                    } else {
                        list.get(i as usize).cloned().unwrap_or(RVal::Null)
                    }
                }
                _ => RVal::Null,
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
            Ast::Not { node, .. } => RVal::Bool(is_false(&self.eval(node, data)?)),
            Ast::Condition {
                predicate, then, ..
            } => {
                if is_false(&self.eval(predicate, data)?) {
                    RVal::Null
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
                    Comparator::Equal => RVal::Bool(jp_equals(&left, &right)),
                    Comparator::NotEqual => RVal::Bool(!jp_equals(&left, &right)),
                    ordering => {
                        let comparable = |v: &RVal| matches!(v, RVal::Number(_) | RVal::String(_));
                        if !comparable(&left) || !comparable(&right) {
                            RVal::Null
                        } else {
                            let ord = py_order(op_symbol(ordering), &left, &right)?;
                            RVal::Bool(match ordering {
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
                RVal::Object(map) => RVal::array(map.values().cloned().collect()),
                _ => RVal::Null,
            },
            Ast::Projection { lhs, rhs, .. } => match self.eval(lhs, data)? {
                RVal::Array(list) => {
                    let mut collected = Vec::new();
                    for element in list.iter() {
                        let current = self.eval(rhs, element)?;
                        if !current.is_null() {
                            collected.push(current);
                        }
                    }
                    RVal::array(collected)
                }
                _ => RVal::Null,
            },
            Ast::Flatten { node, .. } => match self.eval(node, data)? {
                RVal::Array(list) => {
                    let mut merged = Vec::new();
                    for element in list.iter() {
                        match element {
                            RVal::Array(inner) => merged.extend(inner.iter().cloned()),
                            other => merged.push(other.clone()),
                        }
                    }
                    RVal::array(merged)
                }
                _ => RVal::Null,
            },
            Ast::MultiList { elements, .. } => {
                if data.is_null() {
                    RVal::Null
                } else {
                    let mut collected = Vec::with_capacity(elements.len());
                    for e in elements {
                        collected.push(self.eval(e, data)?);
                    }
                    RVal::array(collected)
                }
            }
            Ast::MultiHash { elements, .. } => {
                if data.is_null() {
                    RVal::Null
                } else {
                    let mut collected = RMap::new();
                    for kv in elements {
                        collected.insert(kv.key.clone(), self.eval(&kv.value, data)?);
                    }
                    RVal::object(collected)
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
                RVal::Array(list) => {
                    if *step == 0 {
                        return Err(query_error("slice step cannot be zero"));
                    }
                    RVal::array(py_slice(list, *start, *stop, *step))
                }
                _ => RVal::Null,
            },
        })
    }

    /// Evaluates `&expr` against an element and checks that the key is of an `allowed` type.
    fn key_of(
        &self,
        function: &str,
        expref: &Ast,
        element: &RVal,
        allowed: &[&str],
    ) -> Result<RVal, QueryError> {
        let key = self.eval(expref, element)?;
        let t = jp_type_of(&key);
        if !allowed.contains(&t) {
            return Err(type_error(function, str_of_value(&key), t, allowed));
        }
        Ok(key)
    }

    fn call(&self, name: &str, args: Vec<Arg<'_>>) -> Result<RVal, QueryError> {
        let sig =
            signature(name).ok_or_else(|| query_error(format!("Unknown function: {name}()")))?;
        check_arguments(name, &sig, &args)?;
        let v = |i: usize| args[i].value();
        let expref = |i: usize| match &args[i] {
            Arg::Expref(ast) => *ast,
            Arg::Value(_) => unreachable!("checked by the signature"),
        };
        let array = |i: usize| v(i).as_array().unwrap_or(&[]);
        let string = |i: usize| v(i).as_str().unwrap_or_default();
        Ok(match name {
            "abs" => match PyNum::of_value(v(0)) {
                Some(PyNum::Int(i)) => PyNum::Int(i.abs()).to_value(),
                Some(PyNum::Float(f)) => float_value(f.abs()),
                None => RVal::Null,
            },
            "avg" => {
                let items = array(0);
                if items.is_empty() {
                    RVal::Null
                } else {
                    float_value(sum(items).as_f64() / items.len() as f64)
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
                None => RVal::Null,
            },
            "contains" => match v(0) {
                RVal::Array(items) => RVal::Bool(items.iter().any(|e| py_eq(v(1), e))),
                RVal::String(s) => match v(1) {
                    RVal::String(needle) => RVal::Bool(s.contains(&**needle)),
                    other => {
                        return Err(query_error(format!(
                            "'in <string>' requires string as left operand, not {}",
                            type_name(other)
                        )))
                    }
                },
                _ => RVal::Null,
            },
            "ends_with" => RVal::Bool(string(0).ends_with(string(1))),
            "starts_with" => RVal::Bool(string(0).starts_with(string(1))),
            "join" => {
                let parts: Vec<&str> = array(1)
                    .iter()
                    .map(|p| p.as_str().unwrap_or_default())
                    .collect();
                RVal::string(&parts.join(string(0)))
            }
            "keys" => RVal::array(
                v(0).as_object()
                    .map(|m| m.keys().map(|k| RVal::string(k)).collect())
                    .unwrap_or_default(),
            ),
            "values" => RVal::array(
                v(0).as_object()
                    .map(|m| m.values().cloned().collect())
                    .unwrap_or_default(),
            ),
            "length" => RVal::from(match v(0) {
                RVal::String(s) => s.chars().count(),
                RVal::Array(a) => a.len(),
                RVal::Object(m) => m.len(),
                _ => 0,
            }),
            "map" => {
                let e = expref(0);
                let mut out = Vec::new();
                for element in array(1) {
                    out.push(self.eval(e, element)?);
                }
                RVal::array(out)
            }
            "max" | "min" => {
                let (op, want) = if name == "max" {
                    (">", Ordering::Greater)
                } else {
                    ("<", Ordering::Less)
                };
                let mut best: Option<&RVal> = None;
                for item in array(0) {
                    best = match best {
                        None => Some(item),
                        Some(b) if py_order(op, item, b)? == want => Some(item),
                        keep => keep,
                    };
                }
                best.cloned().unwrap_or(RVal::Null)
            }
            "max_by" | "min_by" => {
                let e = expref(1);
                let (op, want) = if name == "max_by" {
                    (">", Ordering::Greater)
                } else {
                    ("<", Ordering::Less)
                };
                let mut best: Option<(&RVal, RVal)> = None;
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
                best.map(|(b, _)| b.clone()).unwrap_or(RVal::Null)
            }
            "merge" => {
                // Only the first argument is type-checked; the others go through Python's
                // `dict.update`, which also takes a list of pairs.
                let mut merged = RMap::new();
                for a in &args {
                    dict_update(&mut merged, a.value())?;
                }
                RVal::object(merged)
            }
            "not_null" => args
                .iter()
                .map(Arg::value)
                .find(|a| !a.is_null())
                .cloned()
                .unwrap_or(RVal::Null),
            "reverse" => match v(0) {
                RVal::String(s) => RVal::string(&s.chars().rev().collect::<String>()),
                RVal::Array(a) => RVal::array(a.iter().rev().cloned().collect()),
                _ => RVal::Null,
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
                RVal::array(items)
            }
            "sort_by" => {
                let items = array(0);
                if items.is_empty() {
                    return Ok(v(0).clone());
                }
                let e = expref(1);
                let first = self.eval(e, &items[0])?;
                let required = jp_type_of(&first);
                if required != "number" && required != "string" {
                    return Err(type_error(
                        name,
                        str_of_value(&items[0]),
                        required,
                        &["string", "number"],
                    ));
                }
                let mut keyed = Vec::with_capacity(items.len());
                for item in items {
                    keyed.push((self.key_of(name, e, item, &[required])?, item));
                }
                keyed.sort_by(|a, b| py_order("<", &a.0, &b.0).unwrap_or(Ordering::Equal));
                RVal::array(keyed.into_iter().map(|(_, item)| item.clone()).collect())
            }
            "sum" => sum(array(0)).to_value(),
            "to_array" => match v(0) {
                RVal::Array(_) => v(0).clone(),
                other => RVal::array(vec![other.clone()]),
            },
            "to_number" => match v(0) {
                RVal::Number(_) => v(0).clone(),
                RVal::String(s) => parse_py_number(s).unwrap_or(RVal::Null),
                _ => RVal::Null,
            },
            "to_string" => match v(0) {
                RVal::String(_) => v(0).clone(),
                other => {
                    let mut out = String::new();
                    json_compact_into(&other.to_json(), true, ",", ":", &mut out);
                    RVal::string(&out)
                }
            },
            "type" => RVal::from(jp_type_of(v(0))),
            _ => return Err(query_error(format!("Unknown function: {name}()"))),
        })
    }
}

/// Python's `dict.update(value)` as `merge()` applies it to each argument.
fn dict_update(merged: &mut RMap, value: &RVal) -> Result<(), QueryError> {
    let length_error = |i: usize, len: usize| {
        query_error(format!(
            "dictionary update sequence element #{i} has length {len}; 2 is required"
        ))
    };
    match value {
        RVal::Object(m) => {
            for (k, v) in m.iter() {
                merged.insert(k.clone(), v.clone());
            }
        }
        RVal::String(s) => {
            if !s.is_empty() {
                return Err(length_error(0, 1));
            }
        }
        RVal::Array(items) => {
            for (i, element) in items.iter().enumerate() {
                let (key, val) = match element {
                    RVal::String(s) => {
                        let chars: Vec<char> = s.chars().collect();
                        if chars.len() != 2 {
                            return Err(length_error(i, chars.len()));
                        }
                        (chars[0].to_string(), RVal::string(&chars[1].to_string()))
                    }
                    RVal::Array(pair) => {
                        if pair.len() != 2 {
                            return Err(length_error(i, pair.len()));
                        }
                        match &pair[0] {
                            RVal::String(k) => (k.to_string(), pair[1].clone()),
                            RVal::Array(_) | RVal::Object(_) => {
                                return Err(query_error(format!(
                                    "unhashable type: '{}'",
                                    type_name(&pair[0])
                                )))
                            }
                            other => {
                                return Err(query_error(format!(
                                    "merge() cannot use the non-string key {}",
                                    py_repr(&other.to_json())
                                )))
                            }
                        }
                    }
                    RVal::Object(m) => {
                        if m.len() != 2 {
                            return Err(length_error(i, m.len()));
                        }
                        let mut keys = m.keys();
                        let k0 = keys.next().cloned().unwrap_or_default();
                        let k1 = keys.next().cloned().unwrap_or_default();
                        (k0, RVal::string(&k1))
                    }
                    _ => {
                        return Err(query_error(format!(
                            "cannot convert dictionary update sequence element #{i} to a sequence"
                        )))
                    }
                };
                merged.insert(key, val);
            }
        }
        other => {
            return Err(query_error(format!(
                "'{}' object is not iterable",
                type_name(other)
            )))
        }
    }
    Ok(())
}

/// Python's `sum()` of a list of numbers: exact while every term is an int.
fn sum(items: &[RVal]) -> PyNum {
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
        let obj = q("`{\"b\": 1, \"a\": 2}`", json!(null));
        assert_eq!(obj.as_object().unwrap().keys().next().unwrap(), "b");
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
    fn shares_selected_objects() {
        let query = Query::compile("{a: t, b: t, c: `[1]`, d: [`{}`]}").unwrap();
        let out = query
            .search_shared(&RVal::from_json(&json!({"t": [1]})))
            .unwrap();
        let m = out.as_object().unwrap();
        assert_eq!(m["a"].identity(), m["b"].identity());
        assert_ne!(m["a"].identity(), m["c"].identity());
    }

    #[test]
    fn query_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Query>();
    }

    #[test]
    fn errors() {
        assert!(matches!(
            Query::compile("foo["),
            Err(QueryError::BadQuery { .. })
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
