//! `--output yaml` and `--output yaml-stream`, as the AWS CLI v2 prints them.
//!
//! The CLI v2 dumps the response with `ruamel.yaml`'s safe dumper (`YAML(typ='safe')`, block
//! style), whose representer sorts mapping keys and whose emitter is libyaml's (through
//! `ruamel.yaml.clib`). A top-level scalar is printed as JSON instead (`"foo"`, `1`, `null`),
//! to avoid YAML's `...` document end marker.
//!
//! This module reproduces libyaml's emitter for the nodes a JSON document makes: block
//! mappings and sequences (a sequence under a mapping key is not indented), `[]` and `{}` for
//! empty collections, and scalars in plain, single-quoted or double-quoted style, folded at
//! column 80 the way libyaml folds them. A string is quoted when YAML 1.2's implicit resolver
//! would read it as something else (`'true'`, `'123'`, `'2024-01-01'`, `''`, `'null'`), when
//! it starts with an indicator or has `: ` or ` #` in it, or has leading or trailing spaces;
//! it is double-quoted when it holds characters that need escapes (control characters, tabs,
//! characters outside the Basic Multilingual Plane, which libyaml does not treat as printable).

use std::collections::{HashMap, HashSet};

use jmespath_py::RVal;
use pyrepr::{float_repr, json_compact_into};

/// What `YAMLDumper.dump(value)` writes. `may_share`: whether a collection can occur twice
/// in `value` (only a query result can), which then gets an anchor and aliases.
pub(crate) fn dump(value: &RVal, may_share: bool) -> String {
    match value {
        RVal::Array(_) | RVal::Object(_) => {
            let mut e = Emitter::new();
            if may_share {
                e.find_anchors(value);
            }
            e.emit_node(value, false, false);
            // DOCUMENT-END (implicit).
            e.write_indent();
            e.out
        }
        scalar => {
            let mut out = String::new();
            json_compact_into(&scalar.to_json(), false, ", ", ": ", &mut out);
            out.push('\n');
            out
        }
    }
}

/// A mapping's entries in the order the safe representer writes them: sorted by key.
fn sorted_entries(map: &jmespath_py::RMap) -> Vec<(&String, &RVal)> {
    let mut entries: Vec<(&String, &RVal)> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

const BEST_WIDTH: usize = 80;
const BEST_INDENT: i64 = 2;

struct Emitter {
    out: String,
    column: usize,
    indent: i64,
    indents: Vec<i64>,
    whitespace: bool,
    indention: bool,
    flow_level: usize,
    mapping_context: bool,
    simple_key_context: bool,
    /// Anchors (`id001`, ...) of the collections that occur more than once.
    anchors: HashMap<usize, String>,
    /// Anchored collections already written (later occurrences are aliases).
    emitted: HashSet<usize>,
}

#[derive(Default, Clone, Copy)]
struct Analysis {
    multiline: bool,
    flow_plain_allowed: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
}

#[derive(PartialEq, Clone, Copy)]
enum Style {
    Plain,
    Single,
    Double,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blankz(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c == ' ' || c == '\t' || c == '\0' || is_break(c),
    }
}

/// libyaml's IS_PRINTABLE: no control characters but `\n`, no NEL, no BOM, nothing outside
/// the Basic Multilingual Plane.
fn is_printable(c: char) -> bool {
    let cp = c as u32;
    cp == 0x0A
        || (0x20..=0x7E).contains(&cp)
        || (0xA0..=0xD7FF).contains(&cp)
        || ((0xE000..=0xFFFD).contains(&cp) && cp != 0xFEFF)
}

fn analyze(chars: &[char]) -> Analysis {
    if chars.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain_allowed: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
        };
    }
    let mut block_indicators = false;
    let mut flow_indicators = false;
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut previous_space = false;
    let mut previous_break = false;

    if chars.starts_with(&['-', '-', '-']) || chars.starts_with(&['.', '.', '.']) {
        block_indicators = true;
        flow_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut followed_by_whitespace = is_blankz(chars.get(1).copied());
    let last = chars.len() - 1;
    for (i, &c) in chars.iter().enumerate() {
        if i == 0 {
            if matches!(
                c,
                '#' | ','
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | '&'
                    | '*'
                    | '!'
                    | '|'
                    | '>'
                    | '\''
                    | '"'
                    | '%'
                    | '@'
                    | '`'
            ) {
                flow_indicators = true;
                block_indicators = true;
            }
            if c == '?' || c == ':' {
                flow_indicators = true;
                if followed_by_whitespace {
                    block_indicators = true;
                }
            }
            if c == '-' && followed_by_whitespace {
                flow_indicators = true;
                block_indicators = true;
            }
        } else {
            if matches!(c, ',' | '?' | '[' | ']' | '{' | '}') {
                flow_indicators = true;
            }
            if c == ':' {
                flow_indicators = true;
                if followed_by_whitespace {
                    block_indicators = true;
                }
            }
            if c == '#' && preceded_by_whitespace {
                flow_indicators = true;
                block_indicators = true;
            }
        }
        if !is_printable(c) {
            special_characters = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i == last {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            if i == 0 {
                leading_break = true;
            }
            if i == last {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(Some(c));
        if i < last {
            followed_by_whitespace = is_blankz(chars.get(i + 2).copied());
        }
    }
    let mut a = Analysis {
        multiline: line_breaks,
        flow_plain_allowed: true,
        block_plain_allowed: true,
        single_quoted_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if break_space {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if line_breaks {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if flow_indicators {
        a.flow_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// A scalar as the representer makes it: its text, and whether the YAML 1.2 resolver would
/// give the plain text back its tag (else it must be quoted, or tagged).
struct Scalar {
    text: String,
    plain_implicit: bool,
    /// The `!!tag` to write when the plain text would not resolve to the value's type.
    tag: Option<&'static str>,
}

/// A mapping key: always a string.
fn string_scalar(text: &str) -> Scalar {
    Scalar {
        text: text.to_owned(),
        plain_implicit: resolve(text) == Tag::Str,
        tag: None,
    }
}

fn represent_scalar(value: &RVal) -> Scalar {
    let (text, tag) = match value {
        RVal::Null => ("null".to_owned(), Tag::Null),
        RVal::Bool(b) => (if *b { "true" } else { "false" }.to_owned(), Tag::Bool),
        RVal::Number(n) if n.is_f64() => (
            float_repr(n.as_f64().unwrap_or(f64::NAN)).to_lowercase(),
            Tag::Float,
        ),
        RVal::Number(n) => (n.to_string(), Tag::Int),
        RVal::String(s) => (s.to_string(), Tag::Str),
        _ => unreachable!("collections are not scalars"),
    };
    let plain_implicit = resolve(&text) == tag;
    let explicit = if plain_implicit || tag == Tag::Str {
        None
    } else {
        Some(tag.short())
    };
    Scalar {
        text,
        plain_implicit,
        tag: explicit,
    }
}

#[derive(PartialEq, Clone, Copy, Debug)]
enum Tag {
    Null,
    Bool,
    Int,
    Float,
    Str,
    Other,
}

impl Tag {
    fn short(self) -> &'static str {
        match self {
            Tag::Null => "!!null",
            Tag::Bool => "!!bool",
            Tag::Int => "!!int",
            Tag::Float => "!!float",
            Tag::Str => "!!str",
            Tag::Other => "!!str",
        }
    }
}

/// `ruamel.yaml.resolver.Resolver.resolve` for a plain scalar: the YAML 1.2 implicit types.
/// Python's `$` also matches before a final newline, hence the second try.
fn resolve(text: &str) -> Tag {
    let t = resolve_exact(text);
    if t == Tag::Str {
        if let Some(stripped) = text.strip_suffix('\n') {
            return resolve_exact(stripped);
        }
    }
    t
}

fn resolve_exact(text: &str) -> Tag {
    let b = text.as_bytes();
    let first = match b.first() {
        None => return Tag::Null,
        Some(c) => *c,
    };
    match first {
        b't' | b'T' | b'f' | b'F' => {
            if matches!(text, "true" | "True" | "TRUE" | "false" | "False" | "FALSE") {
                return Tag::Bool;
            }
        }
        b'~' | b'n' | b'N' => {
            if matches!(text, "~" | "null" | "Null" | "NULL") {
                return Tag::Null;
            }
        }
        b'<' if text == "<<" => return Tag::Other,
        b'=' if text == "=" => return Tag::Other,
        b'!' | b'&' | b'*' if b.len() == 1 => return Tag::Other,
        _ => {}
    }
    if b"-+0123456789.".contains(&first) && is_float(b) {
        return Tag::Float;
    }
    if b"-+0123456789".contains(&first) && is_int(b) {
        return Tag::Int;
    }
    if first.is_ascii_digit() && is_timestamp(b) {
        return Tag::Other;
    }
    Tag::Str
}

/// A byte cursor for the resolver's regular expressions.
struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cur<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, f: impl Fn(u8) -> bool) -> bool {
        match self.peek() {
            Some(c) if f(c) => {
                self.i += 1;
                true
            }
            _ => false,
        }
    }
    fn eat_while(&mut self, f: impl Fn(u8) -> bool) -> usize {
        let start = self.i;
        while self.eat(&f) {}
        self.i - start
    }
    fn eat_str(&mut self, s: &str) -> bool {
        if self.b[self.i..].starts_with(s.as_bytes()) {
            self.i += s.len();
            true
        } else {
            false
        }
    }
    fn done(&self) -> bool {
        self.i == self.b.len()
    }
}

fn digit(c: u8) -> bool {
    c.is_ascii_digit()
}
fn digit_(c: u8) -> bool {
    c.is_ascii_digit() || c == b'_'
}
fn sign(c: u8) -> bool {
    c == b'-' || c == b'+'
}

fn is_float(b: &[u8]) -> bool {
    // [-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+]?[0-9]+)?  |  [-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
    let mut c = Cur { b, i: 0 };
    c.eat(sign);
    if c.eat(digit) {
        c.eat_while(digit_);
        if c.eat(|x| x == b'.') {
            c.eat_while(digit_);
            if c.done() {
                return true;
            }
            if c.eat(|x| x == b'e' || x == b'E') {
                c.eat(sign);
                return c.eat_while(digit) > 0 && c.done();
            }
            return false;
        }
        if c.eat(|x| x == b'e' || x == b'E') {
            c.eat(sign);
            return c.eat_while(digit) > 0 && c.done();
        }
        return false;
    }
    // [-+]?\.[0-9_]+([eE][-+][0-9]+)?  |  [-+]?\.(inf|Inf|INF)  |  \.(nan|NaN|NAN)
    let signed = c.i > 0;
    if !c.eat(|x| x == b'.') {
        return false;
    }
    let rest = &b[c.i..];
    if matches!(rest, b"inf" | b"Inf" | b"INF") {
        return true;
    }
    if !signed && matches!(rest, b"nan" | b"NaN" | b"NAN") {
        return true;
    }
    if c.eat_while(digit_) == 0 {
        return false;
    }
    if c.done() {
        return true;
    }
    c.eat(|x| x == b'e' || x == b'E') && c.eat(sign) && c.eat_while(digit) > 0 && c.done()
}

fn is_int(b: &[u8]) -> bool {
    let start = usize::from(b.first().is_some_and(|c| sign(*c)));
    let body = &b[start..];
    // [-+]?[0-9_]+
    if !body.is_empty() && body.iter().all(|c| digit_(*c)) {
        return true;
    }
    // [-+]?0b[0-1_]+
    if let Some(rest) = body.strip_prefix(b"0b") {
        if !rest.is_empty() && rest.iter().all(|c| matches!(c, b'0' | b'1' | b'_')) {
            return true;
        }
    }
    // [-+]?0x[0-9a-fA-F_]+
    if let Some(rest) = body.strip_prefix(b"0x") {
        if !rest.is_empty() && rest.iter().all(|c| c.is_ascii_hexdigit() || *c == b'_') {
            return true;
        }
    }
    // [-+]?0o?[0-7_]+
    if let Some(rest) = body.strip_prefix(b"0") {
        let octal = |r: &[u8]| !r.is_empty() && r.iter().all(|c| matches!(c, b'0'..=b'7' | b'_'));
        if octal(rest) || rest.strip_prefix(b"o").is_some_and(octal) {
            return true;
        }
    }
    false
}

fn is_timestamp(b: &[u8]) -> bool {
    // [0-9]{4}-[0-9]{2}-[0-9]{2}
    if b.len() == 10
        && b[..4].iter().all(|c| digit(*c))
        && b[4] == b'-'
        && b[5..7].iter().all(|c| digit(*c))
        && b[7] == b'-'
        && b[8..].iter().all(|c| digit(*c))
    {
        return true;
    }
    // [0-9]{4}-[0-9][0-9]?-[0-9][0-9]?([Tt]|[ \t]+)[0-9][0-9]?:[0-9]{2}:[0-9]{2}(\.[0-9]*)?
    //   ([ \t]*(Z|[-+][0-9][0-9]?(:[0-9]{2})?))?
    let mut c = Cur { b, i: 0 };
    let one_or_two = |c: &mut Cur<'_>| -> bool {
        if !c.eat(digit) {
            return false;
        }
        c.eat(digit);
        true
    };
    let two = |c: &mut Cur<'_>| c.eat(digit) && c.eat(digit);
    if !(two(&mut c) && two(&mut c)) {
        return false;
    }
    if !(c.eat(|x| x == b'-') && one_or_two(&mut c) && c.eat(|x| x == b'-') && one_or_two(&mut c)) {
        return false;
    }
    if !c.eat(|x| x == b'T' || x == b't') && c.eat_while(|x| x == b' ' || x == b'\t') == 0 {
        return false;
    }
    if !(one_or_two(&mut c)
        && c.eat(|x| x == b':')
        && two(&mut c)
        && c.eat(|x| x == b':')
        && two(&mut c))
    {
        return false;
    }
    if c.eat(|x| x == b'.') {
        c.eat_while(digit);
    }
    if c.done() {
        return true;
    }
    c.eat_while(|x| x == b' ' || x == b'\t');
    if c.eat_str("Z") {
        return c.done();
    }
    if !c.eat(sign) || !one_or_two(&mut c) {
        return false;
    }
    if c.done() {
        return true;
    }
    c.eat(|x| x == b':') && two(&mut c) && c.done()
}

impl Emitter {
    fn new() -> Emitter {
        Emitter {
            out: String::new(),
            column: 0,
            indent: -1,
            indents: Vec::new(),
            whitespace: true,
            indention: true,
            flow_level: 0,
            mapping_context: false,
            simple_key_context: false,
            anchors: HashMap::new(),
            emitted: HashSet::new(),
        }
    }

    /// The serializer's anchor pass: a collection met a second time gets the next anchor.
    fn find_anchors(&mut self, root: &RVal) {
        fn walk(node: &RVal, seen: &mut HashSet<usize>, anchors: &mut HashMap<usize, String>) {
            let Some(id) = node.identity() else {
                return;
            };
            if !seen.insert(id) {
                if !anchors.contains_key(&id) {
                    let name = format!("id{:03}", anchors.len() + 1);
                    anchors.insert(id, name);
                }
                return;
            }
            match node {
                RVal::Array(items) => {
                    for item in items.iter() {
                        walk(item, seen, anchors);
                    }
                }
                RVal::Object(map) => {
                    for (_, value) in sorted_entries(map) {
                        walk(value, seen, anchors);
                    }
                }
                _ => {}
            }
        }
        walk(root, &mut HashSet::new(), &mut self.anchors);
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in indicator.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    /// libyaml's `yaml_emitter_emit_node` (the root and sequence contexts change nothing for
    /// the nodes written here).
    fn emit_node(&mut self, node: &RVal, mapping: bool, simple_key: bool) {
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        let anchor = node
            .identity()
            .and_then(|id| self.anchors.get(&id).cloned().map(|a| (id, a)));
        if let Some((id, name)) = &anchor {
            if !self.emitted.insert(*id) {
                // ALIAS.
                self.write_indicator("*", true, false, false);
                self.write_anchor(name);
                if self.simple_key_context {
                    self.put(' ');
                }
                return;
            }
        }
        let write_anchor = |e: &mut Emitter| {
            if let Some((_, name)) = &anchor {
                e.write_indicator("&", true, false, false);
                e.write_anchor(name);
            }
        };
        match node {
            RVal::Array(items) => {
                write_anchor(self);
                if self.flow_level > 0 || items.is_empty() {
                    // Only empty sequences are written in flow style.
                    self.write_indicator("[", true, true, false);
                    self.increase_indent(true, false);
                    self.pop_indent();
                    self.write_indicator("]", false, false, false);
                } else {
                    let indentless = self.mapping_context && !self.indention;
                    self.increase_indent(false, indentless);
                    for item in items.iter() {
                        self.write_indent();
                        self.write_indicator("-", true, false, true);
                        self.emit_node(item, false, false);
                    }
                    self.pop_indent();
                }
            }
            RVal::Object(map) => {
                write_anchor(self);
                if self.flow_level > 0 || map.is_empty() {
                    self.write_indicator("{", true, true, false);
                    self.increase_indent(true, false);
                    self.pop_indent();
                    self.write_indicator("}", false, false, false);
                } else {
                    self.increase_indent(false, false);
                    for (key, value) in sorted_entries(map) {
                        self.write_indent();
                        let simple = key.len() <= 128 && !key.chars().any(is_break);
                        if simple {
                            self.mapping_context = true;
                            self.simple_key_context = true;
                            self.emit_scalar(string_scalar(key));
                            self.write_indicator(":", false, false, false);
                        } else {
                            self.write_indicator("?", true, false, true);
                            self.mapping_context = true;
                            self.simple_key_context = false;
                            self.emit_scalar(string_scalar(key));
                            self.write_indent();
                            self.write_indicator(":", true, false, true);
                        }
                        self.emit_node(value, true, false);
                    }
                    self.pop_indent();
                }
            }
            scalar => self.emit_scalar(represent_scalar(scalar)),
        }
    }

    fn write_anchor(&mut self, name: &str) {
        for c in name.chars() {
            self.put(c);
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn emit_scalar(&mut self, scalar: Scalar) {
        let chars: Vec<char> = scalar.text.chars().collect();
        let analysis = analyze(&chars);
        let mut style = Style::Plain;
        if self.simple_key_context && analysis.multiline {
            style = Style::Double;
        }
        if style == Style::Plain {
            if (self.flow_level > 0 && !analysis.flow_plain_allowed)
                || (self.flow_level == 0 && !analysis.block_plain_allowed)
            {
                style = Style::Single;
            }
            if scalar.text.is_empty() && (self.flow_level > 0 || self.simple_key_context) {
                style = Style::Single;
            }
            if scalar.tag.is_none() && !scalar.plain_implicit {
                style = Style::Single;
            }
        }
        if style == Style::Single && !analysis.single_quoted_allowed {
            style = Style::Double;
        }
        if let Some(tag) = scalar.tag {
            // A non-string whose text would not resolve back to its type: `!!float 1e+400`.
            if !self.whitespace {
                self.put(' ');
            }
            for c in tag.chars() {
                self.put(c);
            }
            self.whitespace = false;
            self.indention = false;
        }
        self.increase_indent(true, false);
        let allow_breaks = !self.simple_key_context;
        match style {
            Style::Plain => self.write_plain(&chars, allow_breaks),
            Style::Single => self.write_single_quoted(&chars, allow_breaks),
            Style::Double => self.write_double_quoted(&chars, allow_breaks),
        }
        self.pop_indent();
    }

    fn write_plain(&mut self, chars: &[char], allow_breaks: bool) {
        if !self.whitespace && (!chars.is_empty() || self.flow_level > 0) {
            self.put(' ');
        }
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            let next = chars.get(i + 1).copied();
            if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && next != Some(' ') {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, chars: &[char], allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let last = chars.len().saturating_sub(1);
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            let next = chars.get(i + 1).copied();
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i != 0
                    && i != last
                    && next != Some(' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        if breaks {
            self.write_indent();
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, chars: &[char], allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let last = chars.len().saturating_sub(1);
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            let next = chars.get(i + 1).copied();
            if !is_printable(c) || c == '\u{FEFF}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                let cp = c as u32;
                let short = match cp {
                    0x00 => Some('0'),
                    0x07 => Some('a'),
                    0x08 => Some('b'),
                    0x09 => Some('t'),
                    0x0A => Some('n'),
                    0x0B => Some('v'),
                    0x0C => Some('f'),
                    0x0D => Some('r'),
                    0x1B => Some('e'),
                    0x22 => Some('"'),
                    0x5C => Some('\\'),
                    0x85 => Some('N'),
                    0xA0 => Some('_'),
                    0x2028 => Some('L'),
                    0x2029 => Some('P'),
                    _ => None,
                };
                match short {
                    Some(s) => self.put(s),
                    None => {
                        let (prefix, width) = if cp <= 0xFF {
                            ('x', 2)
                        } else if cp <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(prefix);
                        for ch in format!("{:0width$X}", cp, width = width).chars() {
                            self.put(ch);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i != 0 && i != last {
                    self.write_indent();
                    if next == Some(' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolver() {
        for s in [
            "true",
            "False",
            "null",
            "~",
            "",
            "123",
            "-1_0",
            "0o17",
            "0x1F",
            "1.5",
            "1e5",
            ".5",
            "-.inf",
            ".nan",
            "2024-01-01",
            "2024-01-01T10:00:00Z",
            "2024-1-1 1:00:00.5 +01:00",
            "<<",
            "=",
        ] {
            assert_ne!(resolve(s), Tag::Str, "{s:?}");
        }
        for s in [
            "yes",
            "no",
            "on",
            "off",
            "1.2.3",
            "0b",
            "2024-01-01T",
            "abc",
            "1e",
            "+",
            "-",
            "true\nx",
        ] {
            assert_eq!(resolve(s), Tag::Str, "{s:?}");
        }
    }

    #[test]
    fn basic_documents() {
        let dump = |v: &serde_json::Value| super::dump(&RVal::from_json(v), false);
        assert_eq!(
            dump(&json!({"b": [1, "x"], "a": {}})),
            "a: {}\nb:\n- 1\n- x\n"
        );
        assert_eq!(dump(&json!("foo")), "\"foo\"\n");
        assert_eq!(dump(&json!([[1, 2], []])), "- - 1\n  - 2\n- []\n");
        assert_eq!(dump(&json!({"k": "true"})), "k: 'true'\n");
    }

    #[test]
    fn shared_objects_get_anchors() {
        let query = super::super::Query::compile("{b: t, a: t, c: e, d: e}").unwrap();
        let value = RVal::from_json(&json!({"t": {"x": [1]}, "e": []}));
        let out = query.search_shared(&value).unwrap();
        assert_eq!(
            super::dump(&out, true),
            "a: &id001\n  x:\n  - 1\nb: *id001\nc: &id002 []\nd: *id002\n"
        );
    }
}
