//! A rule set (version 1.0) compiled from its JSON, and its evaluation.
//!
//! Compiling resolves every variable name to a slot, parses templates and `getAttr` paths
//! and checks the shape of each rule once; evaluation then walks the tree with a flat scope
//! and an undo log, which gives botocore's copy-per-rule scoping without copying.

use super::partitions::Partitions;
use super::stdlib::{self, PathPart};
use super::value::Val;
use super::{EndpointError, ParamValue};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// The type of a rule-set parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    String,
    Boolean,
    StringArray,
}

impl ParamType {
    fn py_class(self) -> &'static str {
        match self {
            ParamType::String => "<class 'str'>",
            ParamType::Boolean => "<class 'bool'>",
            ParamType::StringArray => "<class 'tuple'>",
        }
    }
}

/// One declared parameter of a rule set.
#[derive(Debug, Clone)]
pub struct ParamDef {
    pub name: String,
    pub kind: ParamType,
    /// `AWS::Region`, `SDK::Endpoint`, ...
    pub built_in: Option<String>,
    pub default: Option<ParamValue>,
    pub required: bool,
}

/// A compiled rule set.
#[derive(Debug)]
pub struct RuleSet {
    params: Vec<ParamDef>,
    /// Variable name of each slot; slots `0..params.len()` are the parameters.
    slots: Vec<Arc<str>>,
    slot_of: HashMap<String, usize>,
    rules: Vec<Rule>,
}

#[derive(Debug)]
enum Expr {
    Lit(Val),
    Template(Template),
    Ref(usize),
    Call(Box<Call>),
    /// Something botocore would fail on when (and only when) it evaluates it.
    Invalid(String),
}

#[derive(Debug)]
struct Call {
    func: Func,
    args: Vec<Expr>,
    assign: Option<usize>,
}

#[derive(Debug)]
enum Func {
    IsSet,
    Not,
    BooleanEquals,
    StringEquals,
    /// The path when it is a literal (always, in practice), parsed once.
    GetAttr(Option<Vec<PathPart>>),
    Substring,
    UriEncode,
    ParseUrl,
    IsValidHostLabel,
    Partition,
    ParseArn,
    IsVirtualHostableS3Bucket,
    Unknown(String),
}

impl Func {
    fn from_name(name: &str) -> Func {
        match name {
            "isSet" => Func::IsSet,
            "not" => Func::Not,
            "booleanEquals" => Func::BooleanEquals,
            "stringEquals" => Func::StringEquals,
            "getAttr" => Func::GetAttr(None),
            "substring" => Func::Substring,
            "uriEncode" => Func::UriEncode,
            "parseURL" => Func::ParseUrl,
            "isValidHostLabel" => Func::IsValidHostLabel,
            "aws.partition" => Func::Partition,
            "aws.parseArn" => Func::ParseArn,
            "aws.isVirtualHostableS3Bucket" => Func::IsVirtualHostableS3Bucket,
            other => Func::Unknown(other.to_string()),
        }
    }

    fn name(&self) -> &str {
        match self {
            Func::IsSet => "isSet",
            Func::Not => "not",
            Func::BooleanEquals => "booleanEquals",
            Func::StringEquals => "stringEquals",
            Func::GetAttr(_) => "getAttr",
            Func::Substring => "substring",
            Func::UriEncode => "uriEncode",
            Func::ParseUrl => "parseURL",
            Func::IsValidHostLabel => "isValidHostLabel",
            Func::Partition => "aws.partition",
            Func::ParseArn => "aws.parseArn",
            Func::IsVirtualHostableS3Bucket => "aws.isVirtualHostableS3Bucket",
            Func::Unknown(n) => n,
        }
    }

    fn arity(&self) -> Option<usize> {
        Some(match self {
            Func::IsSet | Func::Not | Func::UriEncode | Func::ParseUrl => 1,
            Func::Partition | Func::ParseArn => 1,
            Func::BooleanEquals | Func::StringEquals | Func::GetAttr(_) => 2,
            Func::IsValidHostLabel | Func::IsVirtualHostableS3Bucket => 2,
            Func::Substring => 4,
            Func::Unknown(_) => return None,
        })
    }
}

/// A parsed template string: literal text and `{Var#attr#...}` references.
#[derive(Debug)]
struct Template {
    parts: Vec<TemplatePart>,
}

#[derive(Debug)]
enum TemplatePart {
    Lit(String),
    Var {
        slot: usize,
        /// `#`-separated attribute steps after the variable, each a `getAttr` path.
        steps: Vec<Vec<PathPart>>,
        /// An index written on the variable itself (`{Var[0]}`).
        own_index: Option<Vec<PathPart>>,
    },
}

#[derive(Debug)]
enum Prop {
    Static(Value),
    Template(Template),
    List(Vec<Prop>),
    Map(Vec<(String, Prop)>),
}

#[derive(Debug)]
struct Rule {
    conditions: Vec<Expr>,
    kind: RuleKind,
}

#[derive(Debug)]
enum RuleKind {
    Endpoint {
        url: Expr,
        properties: Prop,
        headers: Vec<(String, Vec<Expr>)>,
    },
    Error(Expr),
    Tree(Vec<Rule>),
}

/// The result of the rule that matched, before auth-scheme interpretation.
#[derive(Debug, Clone)]
pub(crate) struct RawEndpoint {
    pub url: String,
    pub properties: Value,
    pub headers: Vec<(String, Vec<String>)>,
}

/// botocore's `TEMPLATE_STRING_RE` (`\{[a-zA-Z#]+\}`), widened to also accept `_`, digits,
/// `.` and `[n]` inside a reference so `{Var#path[0]}` works.
fn is_template(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'{' {
            let mut j = i + 1;
            while j < b.len()
                && (b[j].is_ascii_alphanumeric()
                    || matches!(b[j], b'#' | b'_' | b'.' | b'[' | b']'))
            {
                j += 1;
            }
            if j > i + 1 && j < b.len() && b[j] == b'}' && b[i + 1].is_ascii_alphabetic() {
                return true;
            }
        }
        i += 1;
    }
    false
}

struct Compiler<'a> {
    slots: &'a mut Vec<Arc<str>>,
    slot_of: &'a mut HashMap<String, usize>,
}

impl Compiler<'_> {
    fn slot(&mut self, name: &str) -> usize {
        if let Some(i) = self.slot_of.get(name) {
            return *i;
        }
        let i = self.slots.len();
        self.slots.push(Arc::from(name));
        self.slot_of.insert(name.to_string(), i);
        i
    }

    fn expr(&mut self, v: &Value) -> Expr {
        match v {
            Value::Object(o) if o.contains_key("fn") => self.call(v),
            Value::Object(o) if o.contains_key("ref") => match o.get("ref") {
                Some(Value::String(name)) => Expr::Ref(self.slot(name)),
                other => Expr::Invalid(format!("a reference must name a variable, not {other:?}")),
            },
            Value::String(s) if is_template(s) => match self.template(s) {
                Ok(t) => Expr::Template(t),
                Err(e) => Expr::Invalid(e),
            },
            other => Expr::Lit(Val::from_json(other)),
        }
    }

    fn call(&mut self, v: &Value) -> Expr {
        let Some(o) = v.as_object() else {
            return Expr::Invalid("a condition must be a function call".into());
        };
        let Some(name) = o.get("fn").and_then(|f| f.as_str()) else {
            return Expr::Invalid("a function call needs a string 'fn'".into());
        };
        let Some(argv) = o.get("argv").and_then(|a| a.as_array()) else {
            return Expr::Invalid(format!("the call of {name} has no 'argv' list"));
        };
        let mut func = Func::from_name(name);
        if let Func::GetAttr(path) = &mut func {
            if let Some(Value::String(p)) = argv.get(1) {
                if !is_template(p) {
                    *path = Some(stdlib::parse_path(p));
                }
            }
        }
        let args = argv.iter().map(|a| self.expr(a)).collect();
        let assign = match o.get("assign") {
            None => None,
            Some(Value::String(a)) => Some(self.slot(a)),
            Some(other) => {
                return Expr::Invalid(format!("'assign' must be a string, not {other}"));
            }
        };
        Expr::Call(Box::new(Call { func, args, assign }))
    }

    /// Python's `string.Formatter().parse`: `{{`/`}}` escapes, `{field}` references (a
    /// format spec or conversion after `:`/`!` is dropped, as botocore ignores it).
    fn template(&mut self, s: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|(_, c)| *c) == Some('{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek().map(|(_, c)| *c) == Some('}') => {
                    chars.next();
                    lit.push('}');
                }
                '}' => return Err("Single '}' encountered in format string".into()),
                '{' => {
                    let rest = &s[i + 1..];
                    // Nested braces belong to a format spec; find the matching close.
                    let mut depth = 1;
                    let mut end = None;
                    for (j, ch) in rest.char_indices() {
                        match ch {
                            '{' => depth += 1,
                            '}' => {
                                depth -= 1;
                                if depth == 0 {
                                    end = Some(j);
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                    let Some(end) = end else {
                        return Err("expected '}' before end of string".into());
                    };
                    let field = &rest[..end];
                    let field = field.split([':', '!']).next().unwrap_or("");
                    // Skip the characters of the field and the closing brace.
                    while let Some((k, _)) = chars.peek() {
                        if *k <= i + 1 + end {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    if !lit.is_empty() {
                        parts.push(TemplatePart::Lit(std::mem::take(&mut lit)));
                    }
                    parts.push(self.template_var(field));
                }
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            parts.push(TemplatePart::Lit(lit));
        }
        Ok(Template { parts })
    }

    fn template_var(&mut self, field: &str) -> TemplatePart {
        let mut steps = field.split('#');
        let first = steps.next().unwrap_or("");
        let (name, own_index) = match first.find('[') {
            Some(i) if i > 0 => (&first[..i], Some(stdlib::parse_path(&first[i..]))),
            _ => (first, None),
        };
        TemplatePart::Var {
            slot: self.slot(name),
            steps: steps.map(stdlib::parse_path).collect(),
            own_index,
        }
    }

    fn prop(&mut self, v: &Value) -> Prop {
        match v {
            Value::String(s) if is_template(s) => match self.template(s) {
                Ok(t) => Prop::Template(t),
                Err(_) => Prop::Static(v.clone()),
            },
            Value::Array(a) => {
                let items: Vec<Prop> = a.iter().map(|x| self.prop(x)).collect();
                if items.iter().all(|p| matches!(p, Prop::Static(_))) {
                    Prop::Static(v.clone())
                } else {
                    Prop::List(items)
                }
            }
            Value::Object(o) => {
                let items: Vec<(String, Prop)> =
                    o.iter().map(|(k, x)| (k.clone(), self.prop(x))).collect();
                if items.iter().all(|(_, p)| matches!(p, Prop::Static(_))) {
                    Prop::Static(v.clone())
                } else {
                    Prop::Map(items)
                }
            }
            other => Prop::Static(other.clone()),
        }
    }

    fn rule(&mut self, v: &Value) -> Result<Rule, EndpointError> {
        let bad = |m: String| EndpointError::RuleSet(m);
        let o = v
            .as_object()
            .ok_or_else(|| bad("a rule must be an object".into()))?;
        let conditions = match o.get("conditions") {
            None => Vec::new(),
            Some(Value::Array(cs)) => cs.iter().map(|c| self.call(c)).collect(),
            Some(_) => return Err(bad("a rule's 'conditions' must be a list".into())),
        };
        let kind = match o.get("type").and_then(|t| t.as_str()) {
            Some("endpoint") => {
                let ep = o
                    .get("endpoint")
                    .and_then(|e| e.as_object())
                    .ok_or_else(|| bad("an endpoint rule has no 'endpoint' object".into()))?;
                let url = ep
                    .get("url")
                    .map(|u| self.expr(u))
                    .ok_or_else(|| bad("an endpoint has no 'url'".into()))?;
                let properties = match ep.get("properties") {
                    Some(p) => self.prop(p),
                    None => Prop::Static(Value::Object(Default::default())),
                };
                let mut headers = Vec::new();
                if let Some(hs) = ep.get("headers") {
                    let hs = hs
                        .as_object()
                        .ok_or_else(|| bad("an endpoint's 'headers' must be an object".into()))?;
                    for (name, values) in hs {
                        let values = values.as_array().ok_or_else(|| {
                            bad(format!("the values of header {name} must be a list"))
                        })?;
                        headers.push((name.clone(), values.iter().map(|x| self.expr(x)).collect()));
                    }
                }
                RuleKind::Endpoint {
                    url,
                    properties,
                    headers,
                }
            }
            Some("error") => {
                let e = o
                    .get("error")
                    .ok_or_else(|| bad("an error rule has no 'error'".into()))?;
                RuleKind::Error(self.expr(e))
            }
            Some("tree") => {
                let rules = o
                    .get("rules")
                    .and_then(|r| r.as_array())
                    .ok_or_else(|| bad("a tree rule has no 'rules' list".into()))?;
                RuleKind::Tree(
                    rules
                        .iter()
                        .map(|r| self.rule(r))
                        .collect::<Result<_, _>>()?,
                )
            }
            Some(other) => {
                return Err(bad(format!(
                    "Unknown rule type: {other}. A rule must be of type tree, endpoint or error."
                )))
            }
            None => return Err(bad("a rule has no 'type'".into())),
        };
        Ok(Rule { conditions, kind })
    }
}

fn param_value_from_json(kind: ParamType, v: &Value) -> Option<ParamValue> {
    match (kind, v) {
        (_, Value::Null) => None,
        (_, Value::String(s)) => Some(ParamValue::String(s.clone())),
        (_, Value::Bool(b)) => Some(ParamValue::Bool(*b)),
        (_, Value::Array(a)) => Some(ParamValue::StringArray(
            a.iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| x.to_string())
                })
                .collect(),
        )),
        (_, other) => Some(ParamValue::String(other.to_string())),
    }
}

impl RuleSet {
    /// Compiles a rule set (`endpoint-rule-set-1.json`).
    pub fn parse(data: &Value) -> Result<RuleSet, EndpointError> {
        let bad = |m: String| EndpointError::RuleSet(m);
        let params_json = data
            .get("parameters")
            .and_then(|p| p.as_object())
            .ok_or_else(|| bad("the rule set has no 'parameters' object".into()))?;
        let rules_json = data
            .get("rules")
            .and_then(|r| r.as_array())
            .ok_or_else(|| bad("the rule set has no 'rules' list".into()))?;
        let mut params = Vec::with_capacity(params_json.len());
        let mut slots = Vec::new();
        let mut slot_of = HashMap::new();
        for (name, spec) in params_json {
            let ty = spec.get("type").and_then(|t| t.as_str()).unwrap_or("");
            let kind = match ty.to_ascii_lowercase().as_str() {
                "string" => ParamType::String,
                "boolean" => ParamType::Boolean,
                "stringarray" => ParamType::StringArray,
                _ => {
                    return Err(bad(format!(
                        "Unknown parameter type: {ty}. A parameter must be of type string, boolean, or stringarray."
                    )))
                }
            };
            let default = spec
                .get("default")
                .and_then(|d| param_value_from_json(kind, d));
            params.push(ParamDef {
                name: name.clone(),
                kind,
                built_in: spec
                    .get("builtIn")
                    .and_then(|b| b.as_str())
                    .map(str::to_string),
                default,
                required: spec
                    .get("required")
                    .is_some_and(|r| r.as_bool() == Some(true)),
            });
            slot_of.insert(name.clone(), slots.len());
            slots.push(Arc::from(name.as_str()));
        }
        let mut c = Compiler {
            slots: &mut slots,
            slot_of: &mut slot_of,
        };
        let rules = rules_json
            .iter()
            .map(|r| c.rule(r))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RuleSet {
            params,
            slots,
            slot_of,
            rules,
        })
    }

    /// The declared parameters, in the rule set's order.
    pub fn params(&self) -> &[ParamDef] {
        &self.params
    }

    /// Evaluates the rules for these parameters.
    pub(crate) fn evaluate(
        &self,
        partitions: &Partitions,
        input: &HashMap<String, ParamValue>,
    ) -> Result<RawEndpoint, EndpointError> {
        let mut scope: Vec<Option<Val>> = vec![None; self.slots.len()];
        // Inputs that are not declared parameters are still visible to references.
        for (name, v) in input {
            if let Some(slot) = self.slot_of.get(name) {
                scope[*slot] = Some(v.to_val());
            }
        }
        for (i, p) in self.params.iter().enumerate() {
            match input.get(&p.name) {
                None => match &p.default {
                    Some(d) => scope[i] = Some(d.to_val()),
                    None if p.required => {
                        return Err(EndpointError::Evaluation(format!(
                            "Cannot find value for required parameter {}",
                            p.name
                        )))
                    }
                    None => {}
                },
                Some(v) => {
                    let ok = matches!(
                        (p.kind, v),
                        (ParamType::String, ParamValue::String(_))
                            | (ParamType::Boolean, ParamValue::Bool(_))
                            | (ParamType::StringArray, ParamValue::StringArray(_))
                    );
                    if !ok {
                        return Err(EndpointError::Evaluation(format!(
                            "Value ({}) is the wrong type. Must be {}.",
                            p.name,
                            p.kind.py_class()
                        )));
                    }
                }
            }
        }
        let mut ev = Evaluator {
            rs: self,
            partitions,
            scope,
            undo: Vec::new(),
        };
        for rule in &self.rules {
            let mark = ev.undo.len();
            let r = ev.rule(rule)?;
            ev.reset(mark);
            if let Some(ep) = r {
                return Ok(ep);
            }
        }
        Err(EndpointError::NoMatch(self.no_match_message(input)))
    }

    /// botocore's "No endpoint found for parameters:" message: the given parameters in the
    /// rule set's order, then any others by name.
    fn no_match_message(&self, input: &HashMap<String, ParamValue>) -> String {
        let mut lines = Vec::new();
        for p in &self.params {
            if let Some(v) = input.get(&p.name) {
                lines.push(format!("{}: {}", p.name, v.to_val().py_str()));
            }
        }
        let mut extra: Vec<&String> = input
            .keys()
            .filter(|k| !self.params.iter().any(|p| &p.name == *k))
            .collect();
        extra.sort();
        for k in extra {
            lines.push(format!("{}: {}", k, input[k].to_val().py_str()));
        }
        format!("No endpoint found for parameters:\n{}", lines.join("\n"))
    }
}

struct Evaluator<'a> {
    rs: &'a RuleSet,
    partitions: &'a Partitions,
    scope: Vec<Option<Val>>,
    /// Slots assigned, in order, so a rule's assignments can be undone after it.
    undo: Vec<usize>,
}

fn eval_err(m: String) -> EndpointError {
    EndpointError::Evaluation(m)
}

impl Evaluator<'_> {
    fn reset(&mut self, mark: usize) {
        while self.undo.len() > mark {
            if let Some(slot) = self.undo.pop() {
                self.scope[slot] = None;
            }
        }
    }

    fn rule(&mut self, rule: &Rule) -> Result<Option<RawEndpoint>, EndpointError> {
        for c in &rule.conditions {
            let v = self.expr(c)?;
            if matches!(v, Val::Null | Val::Bool(false)) {
                return Ok(None);
            }
        }
        match &rule.kind {
            RuleKind::Tree(rules) => {
                for r in rules {
                    let mark = self.undo.len();
                    let out = self.rule(r)?;
                    self.reset(mark);
                    if out.is_some() {
                        return Ok(out);
                    }
                }
                Ok(None)
            }
            RuleKind::Error(e) => {
                let msg = self.expr(e)?;
                Err(EndpointError::Rule(msg.py_str()))
            }
            RuleKind::Endpoint {
                url,
                properties,
                headers,
            } => {
                let url = match self.expr(url)? {
                    Val::Str(s) => s.to_string(),
                    other => {
                        return Err(eval_err(format!(
                            "the endpoint URL is <class '{}'>, not a string",
                            other.py_type()
                        )))
                    }
                };
                let properties = self.prop(properties)?;
                let mut hs = Vec::with_capacity(headers.len());
                for (name, values) in headers {
                    let mut vs = Vec::with_capacity(values.len());
                    for v in values {
                        vs.push(self.expr(v)?.py_str());
                    }
                    hs.push((name.clone(), vs));
                }
                Ok(Some(RawEndpoint {
                    url,
                    properties,
                    headers: hs,
                }))
            }
        }
    }

    fn prop(&mut self, p: &Prop) -> Result<Value, EndpointError> {
        Ok(match p {
            Prop::Static(v) => v.clone(),
            Prop::Template(t) => Value::String(self.template(t)?),
            Prop::List(items) => Value::Array(
                items
                    .iter()
                    .map(|x| self.prop(x))
                    .collect::<Result<_, _>>()?,
            ),
            Prop::Map(items) => {
                let mut m = serde_json::Map::with_capacity(items.len());
                for (k, x) in items {
                    m.insert(k.clone(), self.prop(x)?);
                }
                Value::Object(m)
            }
        })
    }

    fn template(&mut self, t: &Template) -> Result<String, EndpointError> {
        let mut out = String::new();
        for part in &t.parts {
            match part {
                TemplatePart::Lit(s) => out.push_str(s),
                TemplatePart::Var {
                    slot,
                    steps,
                    own_index,
                } => {
                    let name = &self.rs.slots[*slot];
                    let mut v = self.scope[*slot].clone().ok_or_else(|| {
                        eval_err(format!("the template variable {name} is not set"))
                    })?;
                    if let Some(idx) = own_index {
                        v = stdlib::get_attr(&v, idx)?;
                    }
                    for step in steps {
                        // Each `#attr` must exist, as botocore's `value[attr]` requires.
                        if let [PathPart::Field(f)] = step.as_slice() {
                            v = v.field(f).cloned().ok_or_else(|| {
                                eval_err(format!(
                                    "the template variable {name} has no attribute {f}"
                                ))
                            })?;
                        } else {
                            v = stdlib::get_attr(&v, step)?;
                        }
                    }
                    out.push_str(&v.py_str());
                }
            }
        }
        Ok(out)
    }

    fn expr(&mut self, e: &Expr) -> Result<Val, EndpointError> {
        match e {
            Expr::Lit(v) => Ok(v.clone()),
            Expr::Ref(slot) => Ok(self.scope[*slot].clone().unwrap_or(Val::Null)),
            Expr::Template(t) => Ok(Val::string(self.template(t)?)),
            Expr::Call(c) => self.call(c),
            Expr::Invalid(m) => Err(eval_err(m.clone())),
        }
    }

    fn call(&mut self, c: &Call) -> Result<Val, EndpointError> {
        if let Some(n) = c.func.arity() {
            if c.args.len() != n {
                return Err(eval_err(format!(
                    "{} takes {n} arguments, {} given",
                    c.func.name(),
                    c.args.len()
                )));
            }
        }
        let a = &c.args;
        let result = match &c.func {
            Func::IsSet => Val::Bool(!self.expr(&a[0])?.is_null()),
            Func::Not => Val::Bool(!self.expr(&a[0])?.truthy()),
            Func::BooleanEquals => match (self.expr(&a[0])?, self.expr(&a[1])?) {
                (Val::Bool(x), Val::Bool(y)) => Val::Bool(x == y),
                (x, y) => {
                    return Err(eval_err(format!(
                        "Both arguments must be bools, not <class '{}'> and <class '{}'>.",
                        x.py_type(),
                        y.py_type()
                    )))
                }
            },
            Func::StringEquals => match (self.expr(&a[0])?, self.expr(&a[1])?) {
                (Val::Str(x), Val::Str(y)) => Val::Bool(x == y),
                (x, y) => {
                    return Err(eval_err(format!(
                        "Both values must be strings, not <class '{}'> and <class '{}'>.",
                        x.py_type(),
                        y.py_type()
                    )))
                }
            },
            Func::GetAttr(path) => {
                let v = self.expr(&a[0])?;
                match path {
                    Some(p) => stdlib::get_attr(&v, p)?,
                    None => match self.expr(&a[1])? {
                        Val::Str(p) => stdlib::get_attr(&v, &stdlib::parse_path(&p))?,
                        other => {
                            return Err(eval_err(format!(
                                "getAttr needs a string path, not <class '{}'>",
                                other.py_type()
                            )))
                        }
                    },
                }
            }
            Func::Substring => {
                let (v, s, e, r) = (
                    self.expr(&a[0])?,
                    self.expr(&a[1])?,
                    self.expr(&a[2])?,
                    self.expr(&a[3])?,
                );
                stdlib::substring(&v, &s, &e, &r)?
            }
            Func::UriEncode => stdlib::uri_encode(&self.expr(&a[0])?),
            Func::ParseUrl => stdlib::parse_url(&self.expr(&a[0])?)?,
            Func::IsValidHostLabel => {
                let (v, sub) = (self.expr(&a[0])?, self.expr(&a[1])?);
                stdlib::is_valid_host_label(&v, &sub)?
            }
            Func::Partition => self.partitions.lookup(&self.expr(&a[0])?)?,
            Func::ParseArn => stdlib::parse_arn(&self.expr(&a[0])?)?,
            Func::IsVirtualHostableS3Bucket => {
                let (v, sub) = (self.expr(&a[0])?, self.expr(&a[1])?);
                stdlib::is_virtual_hostable_s3_bucket(&v, &sub)?
            }
            Func::Unknown(name) => {
                return Err(eval_err(format!("Unknown rule-set function '{name}'")));
            }
        };
        if let Some(slot) = c.assign {
            if self.scope[slot].is_some() {
                return Err(eval_err(format!(
                    "Assignment {} already exists in scoped variables and cannot be overwritten",
                    self.rs.slots[slot]
                )));
            }
            self.scope[slot] = Some(result.clone());
            self.undo.push(slot);
        }
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_detection() {
        assert!(is_template("https://{Region}.amazonaws.com"));
        assert!(is_template("{PartitionResult#dnsSuffix}"));
        assert!(is_template("{arn#resourceId[1]}"));
        assert!(!is_template("no braces"));
        assert!(!is_template("{}"));
        assert!(!is_template("{0}"));
        assert!(!is_template("{ spaced }"));
    }
}
