//! A small XML tree (namespaces dropped from names) for the XML protocols' responses.

use quick_xml::events::Event;
use quick_xml::Reader;

/// One element.
#[derive(Debug, Default, Clone)]
pub struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    /// The first child of that name.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
    /// All children of that name.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
}

/// Deepest nesting accepted from a response.
const MAX_DEPTH: usize = 256;

fn local(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    match s.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => s.into_owned(),
    }
}

/// An element with its name (namespace dropped) and attributes, before its content.
fn element(e: &quick_xml::events::BytesStart<'_>) -> Node {
    let mut n = Node {
        name: local(e.name().as_ref()),
        ..Default::default()
    };
    for a in e.attributes().flatten() {
        let v = a
            .unescape_value()
            .map(|v| v.into_owned())
            .unwrap_or_default();
        n.attrs
            .push((String::from_utf8_lossy(a.key.as_ref()).into_owned(), v));
    }
    n
}

/// Parses a document into its root element.
pub fn parse(xml: &[u8]) -> Result<Node, String> {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Node> = Vec::new();
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                if stack.len() >= MAX_DEPTH {
                    return Err("the XML is nested too deeply".into());
                }
                let n = element(&e);
                stack.push(n);
            }
            Ok(Event::Empty(e)) => {
                let n = element(&e);
                match stack.last_mut() {
                    Some(p) => p.children.push(n),
                    None => return Ok(n),
                }
            }
            Ok(Event::Text(t)) => {
                if let Some(n) = stack.last_mut() {
                    let text = t.unescape().map_err(|e| format!("invalid XML text: {e}"))?;
                    n.text.push_str(&text);
                }
            }
            Ok(Event::CData(t)) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Ok(Event::End(_)) => {
                let n = stack.pop().ok_or("unbalanced XML")?;
                match stack.last_mut() {
                    Some(p) => p.children.push(n),
                    None => return Ok(n),
                }
            }
            Ok(Event::Eof) => return Err("the XML ended before its root element closed".into()),
            Ok(_) => {}
            Err(e) => {
                return Err(format!(
                    "invalid XML at byte {}: {e}",
                    reader.buffer_position()
                ))
            }
        }
        buf.clear();
    }
}
