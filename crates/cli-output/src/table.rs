//! `--output table`: the AWS CLI's table formatter (`awscli/formatter.py` `TableFormatter`
//! and `awscli/table.py` `MultiTable`), without colour.
//!
//! The response becomes a list of sections, each with an optional title, an optional header
//! row and rows of cells. A dict is one section: its scalar values in one row under their
//! (sorted) keys (a single scalar becomes a `key | value` row), then one nested section per
//! non-scalar value, indented one level. A list of dicts is one section whose header row is
//! the union of the dicts' scalar keys. Every section is stretched to the widest one; when
//! that is wider than the terminal, each one-row section is turned on its side
//! (`header | value` rows). Widths count East Asian wide and ambiguous characters as two
//! columns.

use serde_json::{Map, Value};

use super::OutputError;
use pyrepr::{py_str, py_type_name, text_width};

/// Renders `value` as the CLI's table, `title` being the operation name (the first section's
/// title) and `terminal_width` the width the CLI would read from the terminal.
pub(crate) fn format_table(
    value: &Value,
    title: &str,
    terminal_width: usize,
) -> Result<String, OutputError> {
    let mut builder = Builder {
        table: MultiTable::default(),
    };
    if !builder.build(Some(title), value, 0)? {
        return Ok(String::new());
    }
    Ok(builder.table.render(terminal_width as i64))
}

/// Python truthiness of a parsed JSON value.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().map(|f| f != 0.0).unwrap_or(true),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

struct Builder {
    table: MultiTable,
}

impl Builder {
    fn build(
        &mut self,
        title: Option<&str>,
        current: &Value,
        indent_level: usize,
    ) -> Result<bool, OutputError> {
        if !truthy(current) {
            return Ok(false);
        }
        if title.is_some() {
            self.table.new_section(title, indent_level);
        }
        match current {
            Value::Array(list) => {
                if list[0].is_object() {
                    self.sub_table_from_list(list, indent_level, title)?;
                } else {
                    for item in list {
                        match item {
                            Value::Array(inner) if inner.iter().all(is_scalar) => {
                                let row: Vec<String> = inner.iter().map(py_str).collect();
                                self.table.add_row(row)?;
                            }
                            // Iterating a dict yields its keys, which are all scalars.
                            Value::Object(map) => {
                                let row: Vec<String> = map.keys().cloned().collect();
                                self.table.add_row(row)?;
                            }
                            Value::Array(_) => {
                                self.build(None, item, 0)?;
                            }
                            scalar => self.table.add_row(vec![py_str(scalar)])?,
                        }
                    }
                }
            }
            Value::Object(map) => self.sub_table_from_dict(map, indent_level)?,
            _ => {}
        }
        Ok(true)
    }

    fn sub_table_from_dict(
        &mut self,
        current: &Map<String, Value>,
        indent_level: usize,
    ) -> Result<(), OutputError> {
        let (headers, more) = group_scalar_keys(current);
        if headers.len() == 1 {
            let value = py_str(&current[headers[0].as_str()]);
            self.table.add_row(vec![headers[0].clone(), value])?;
        } else if !headers.is_empty() {
            let row: Vec<String> = headers
                .iter()
                .map(|k| py_str(&current[k.as_str()]))
                .collect();
            self.table.add_row_header(headers)?;
            self.table.add_row(row)?;
        }
        for remaining in more {
            self.build(
                Some(&remaining),
                &current[remaining.as_str()],
                indent_level + 1,
            )?;
        }
        Ok(())
    }

    fn sub_table_from_list(
        &mut self,
        current: &[Value],
        indent_level: usize,
        title: Option<&str>,
    ) -> Result<(), OutputError> {
        let mut headers: Vec<String> = Vec::new();
        let mut more: Vec<String> = Vec::new();
        for item in current {
            let (h, m) = match item {
                Value::Object(map) => group_scalar_keys(map),
                // The CLI iterates whatever the element is: an empty list or string has no
                // keys; anything else makes it fail.
                _ if is_empty_sequence(item) => (Vec::new(), Vec::new()),
                _ => return Err(not_a_dict(item)),
            };
            for k in h {
                if !headers.contains(&k) {
                    headers.push(k);
                }
            }
            for k in m {
                if !more.contains(&k) {
                    more.push(k);
                }
            }
        }
        headers.sort();
        more.sort();
        self.table.add_row_header(headers.clone())?;
        let mut first = true;
        for element in current {
            if !first && !more.is_empty() {
                self.table.new_section(title, indent_level);
                self.table.add_row_header(headers.clone())?;
            }
            first = false;
            let map = match element {
                Value::Object(map) => Some(map),
                _ if headers.is_empty() => None,
                _ => return Err(not_a_dict(element)),
            };
            let row: Vec<String> = headers
                .iter()
                .map(|h| map.and_then(|m| m.get(h)).map(py_str).unwrap_or_default())
                .collect();
            self.table.add_row(row)?;
            for remaining in &more {
                match map {
                    Some(map) => {
                        if let Some(v) = map.get(remaining) {
                            self.build(Some(remaining), v, indent_level + 1)?;
                        }
                    }
                    // `"" in ""` holds, and then `""[""]` fails.
                    None if remaining.is_empty() && element.as_str() == Some("") => {
                        return Err(not_a_dict(element))
                    }
                    None => {}
                }
            }
        }
        Ok(())
    }
}

fn is_empty_sequence(v: &Value) -> bool {
    matches!(v, Value::Array(a) if a.is_empty()) || matches!(v, Value::String(s) if s.is_empty())
}

fn not_a_dict(item: &Value) -> OutputError {
    // The CLI fails here too, with a Python TypeError or AttributeError.
    OutputError::Format(format!(
        "cannot render a table from a list that mixes structures with {} values",
        py_type_name(item)
    ))
}

/// The dict's keys split into those with scalar values and the rest, each sorted.
fn group_scalar_keys(current: &Map<String, Value>) -> (Vec<String>, Vec<String>) {
    let mut headers = Vec::new();
    let mut more = Vec::new();
    for (k, v) in current {
        if is_scalar(v) {
            headers.push(k.clone());
        } else {
            more.push(k.clone());
        }
    }
    headers.sort();
    more.sort();
    (headers, more)
}

#[derive(Default)]
struct Section {
    /// `None` is a section the CLI titled with Python's `None` (no title row, but the text
    /// "None" still counts towards the table width).
    title: Option<String>,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    indent_level: usize,
    num_cols: Option<usize>,
    max_widths: Vec<usize>,
}

impl Section {
    fn title_width(&self) -> usize {
        match &self.title {
            Some(t) => text_width(t),
            None => 4,
        }
    }

    fn has_title(&self) -> bool {
        matches!(&self.title, Some(t) if !t.is_empty())
    }

    fn add_header(&mut self, headers: Vec<String>) -> Result<(), OutputError> {
        self.update_max_widths(&headers)?;
        if self.num_cols.is_none() {
            self.num_cols = Some(headers.len());
        }
        self.headers = headers;
        Ok(())
    }

    fn add_row(&mut self, row: Vec<String>) -> Result<(), OutputError> {
        let num_cols = *self.num_cols.get_or_insert(row.len());
        if row.len() != num_cols {
            return Err(OutputError::Format(format!(
                "Row should have {} elements, instead it has {}",
                num_cols,
                row.len()
            )));
        }
        self.update_max_widths(&row)?;
        self.rows.push(row);
        Ok(())
    }

    fn update_max_widths(&mut self, row: &[String]) -> Result<(), OutputError> {
        if self.max_widths.is_empty() {
            self.max_widths = row.iter().map(|e| text_width(e)).collect();
        } else {
            for (i, el) in row.iter().enumerate() {
                let slot = self
                    .max_widths
                    .get_mut(i)
                    .ok_or_else(|| OutputError::Format("list index out of range".to_owned()))?;
                *slot = (*slot).max(text_width(el));
            }
        }
        Ok(())
    }

    /// Column widths (cell width plus `padding`) scaled to add up to exactly `max_width`.
    fn column_widths(&self, padding: i64, max_width: i64) -> Vec<i64> {
        let unscaled: Vec<i64> = self
            .max_widths
            .iter()
            .map(|w| *w as i64 + padding)
            .collect();
        if unscaled.is_empty() {
            return unscaled;
        }
        let total: i64 = unscaled.iter().sum();
        let scale = max_width as f64 / total as f64;
        let mut scaled: Vec<i64> = unscaled
            .iter()
            .map(|w| (scale * *w as f64).round_ties_even() as i64)
            .collect();
        let mut off_by: i64 = scaled.iter().sum::<i64>() - max_width;
        while off_by != 0 {
            let order: Vec<usize> = if off_by < 0 {
                (0..scaled.len()).rev().collect()
            } else {
                (0..scaled.len()).collect()
            };
            for i in order {
                if off_by > 0 {
                    scaled[i] -= 1;
                    off_by -= 1;
                } else {
                    scaled[i] += 1;
                    off_by += 1;
                }
                if off_by == 0 {
                    break;
                }
            }
        }
        scaled
    }

    fn total_width(&self, padding: usize, outer_padding: usize) -> usize {
        let border_padding = 2;
        let mut total: usize = self.max_widths.iter().map(|w| w + padding).sum();
        total += border_padding;
        total += 2 * outer_padding;
        (self.title_width() + border_padding + 2 * outer_padding).max(total)
    }
}

#[derive(Default)]
struct MultiTable {
    sections: Vec<Section>,
}

impl MultiTable {
    fn current(&mut self) -> Result<&mut Section, OutputError> {
        self.sections
            .last_mut()
            .ok_or_else(|| OutputError::Format("no table section to add to".to_owned()))
    }

    fn new_section(&mut self, title: Option<&str>, indent_level: usize) {
        self.sections.push(Section {
            title: title.map(str::to_owned),
            indent_level,
            ..Section::default()
        });
    }

    fn add_row_header(&mut self, headers: Vec<String>) -> Result<(), OutputError> {
        self.current()?.add_header(headers)
    }

    fn add_row(&mut self, row: Vec<String>) -> Result<(), OutputError> {
        self.current()?.add_row(row)
    }

    fn max_width(&self) -> usize {
        self.sections
            .iter()
            .map(|s| s.total_width(4, s.indent_level))
            .max()
            .unwrap_or(0)
    }

    fn render(mut self, terminal_width: i64) -> String {
        let mut max_width = self.max_width();
        if max_width as i64 > terminal_width {
            convert_to_vertical(&mut self.sections);
            max_width = self.max_width();
        }
        let mut out = String::new();
        push_repeated(&mut out, '-', max_width as i64);
        out.push('\n');
        for section in &self.sections {
            render_section(section, max_width as i64, &mut out);
        }
        out
    }
}

/// Turns every section that has a header row and exactly one row into `header | value` rows.
fn convert_to_vertical(sections: &mut [Section]) {
    for section in sections.iter_mut() {
        if section.rows.len() == 1 && !section.headers.is_empty() {
            let mut vertical = Section {
                title: section.title.take(),
                indent_level: section.indent_level,
                ..Section::default()
            };
            let row = section.rows.pop().unwrap_or_default();
            for (header, element) in section.headers.iter().zip(row) {
                // Two columns every time: cannot fail.
                let _ = vertical.add_row(vec![header.clone(), element]);
            }
            *section = vertical;
        }
    }
}

fn push_repeated(out: &mut String, c: char, n: i64) {
    for _ in 0..n.max(0) {
        out.push(c);
    }
}

/// `center_text`: `text` centred in `length` columns between the edges.
fn center_text(out: &mut String, text: &str, length: i64, left_edge: &str, right_edge: &str) {
    let text_length = text_width(text) as i64;
    let char_start = length.div_euclid(2) - text_length.div_euclid(2) - 1;
    out.push_str(left_edge);
    push_repeated(out, ' ', char_start);
    out.push_str(text);
    let length_so_far = text_width(left_edge) as i64 + char_start + text_length;
    let right_side_spaces = length - text_width(right_edge) as i64 - length_so_far;
    push_repeated(out, ' ', right_side_spaces);
    out.push_str(right_edge);
}

/// `align_left`: `text` after two spaces (when it fits), padded to `length` columns.
fn align_left(out: &mut String, text: &str, length: i64, left_edge: &str, right_edge: &str) {
    let text_length = text_width(text) as i64;
    let left_padding = 2;
    let computed =
        text_length + left_padding + text_width(left_edge) as i64 + text_width(right_edge) as i64;
    let padding = if length - computed >= 0 {
        left_padding
    } else {
        0
    };
    let length_so_far = left_edge.len() as i64 + padding + text_length;
    out.push_str(left_edge);
    push_repeated(out, ' ', padding);
    out.push_str(text);
    push_repeated(out, ' ', length - length_so_far - right_edge.len() as i64);
    out.push_str(right_edge);
}

/// Writes one line of a section, wrapped in its indentation bars.
fn write_line(out: &mut String, indent: usize, line: impl FnOnce(&mut String)) {
    push_repeated(out, '|', indent as i64);
    line(out);
    push_repeated(out, '|', indent as i64);
    out.push('\n');
}

fn line_break(out: &mut String, widths: &[i64]) {
    for (i, w) in widths.iter().enumerate() {
        if i == 0 {
            out.push('+');
            push_repeated(out, '-', w - 2);
        } else {
            push_repeated(out, '-', w - 1);
        }
        out.push('+');
    }
}

fn render_section(section: &Section, max_width: i64, out: &mut String) {
    let indent = section.indent_level;
    let max_width = max_width - 2 * indent as i64;
    // Title.
    if section.has_title() {
        let title = section.title.as_deref().unwrap_or_default();
        write_line(out, indent, |o| center_text(o, title, max_width, "|", "|"));
        if section.headers.is_empty() && section.rows.is_empty() {
            write_line(out, indent, |o| {
                o.push('+');
                push_repeated(o, '-', max_width - 2);
                o.push('+');
            });
        }
    }
    // Column titles.
    if !section.headers.is_empty() {
        let widths = section.column_widths(4, max_width);
        write_line(out, indent, |o| line_break(o, &widths));
        write_line(out, indent, |o| {
            for (i, (width, header)) in widths.iter().zip(&section.headers).enumerate() {
                let left = if i == 0 { "|" } else { "" };
                center_text(o, header, *width, left, "|");
            }
        });
    }
    // Rows.
    if section.rows.is_empty() {
        return;
    }
    let widths = section.column_widths(4, max_width);
    if widths.is_empty() {
        return;
    }
    write_line(out, indent, |o| line_break(o, &widths));
    for row in &section.rows {
        write_line(out, indent, |o| {
            for (i, (width, element)) in widths.iter().zip(row).enumerate() {
                let left = if i == 0 { "|" } else { "" };
                align_left(o, element, *width, left, "|");
            }
        });
    }
    write_line(out, indent, |o| line_break(o, &widths));
}
