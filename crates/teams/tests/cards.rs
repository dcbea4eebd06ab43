//! Every card the renderer produces is valid Adaptive Card JSON at the version it declares,
//! by Microsoft's own parser (`tests/cards/validate.js`, the `adaptivecards` npm package
//! pinned by its lock file; `scripts/setup.sh` installs it): a corpus covering every block
//! and the edge cases, the engine's and the notifications' golden messages, and what the
//! engine itself answers to a few lines. The validator must exist: a missing `node` or
//! package fails these tests, it never skips them.

use engine::{Block, Button, Choice, Field, Message, Outbound, Rich, Span, Style};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use teams::cards::{self, RenderOptions, MAX_CARD_BYTES};
use teams::testing::cards::validate;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A message of the corpus (all on one message id).
fn msg(blocks: Vec<Block>) -> Message {
    Message {
        id: "m-42".into(),
        blocks,
        ..Message::default()
    }
}

/// A button in the engine's serialized form (what the goldens hold).
fn button(label: &str, value: &str, style: Style, confirm: Option<&str>) -> Button {
    serde_json::from_value(json!({
        "label": label, "action": "run", "value": value, "style": style, "confirm": confirm,
    }))
    .expect("a button")
}

fn choices(n: usize) -> Vec<Choice> {
    (0..n)
        .map(|i| Choice {
            label: format!("arn:aws:sqs:us-east-1:123456789012:queue-{i}"),
            value: format!("https://sqs.us-east-1.amazonaws.com/123456789012/queue-{i}"),
        })
        .collect()
}

fn field(name: &str, options: usize, multiline: bool, optional: bool) -> Field {
    Field {
        name: name.into(),
        label: name.to_uppercase(),
        options: choices(options),
        multiline,
        optional,
    }
}

fn data_png(bytes: usize) -> String {
    use base64::Engine as _;
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(vec![0x89u8; bytes])
    )
}

/// Messages covering every block and the edge cases.
fn corpus() -> Vec<(String, Message)> {
    let hostile = "**x** [a](http://e) <at>bob</at> _y_ `z` # h\n- item\n1. one\n> quote ![i](http://e/i.png) &amp; <b>b</b>";
    let mut out: Vec<(String, Message)> = Vec::new();
    let mut add = |name: &str, m: Message| out.push((name.to_string(), m));
    add("empty", Message::default());
    add(
        "only context",
        msg(vec![Block::Context {
            text: Rich::from("account dev (123456789012) · region us-east-1"),
        }]),
    );
    add(
        "blank text",
        msg(vec![
            Block::Text {
                text: Rich::verbatim("   "),
            },
            Block::Text { text: Rich(vec![]) },
        ]),
    );
    add(
        "mentions and markdown-looking text",
        msg(vec![
            Block::Text {
                text: Rich(vec![
                    Span::Mention("29:1abc".into()),
                    Span::Plain(format!(" ran {hostile} ")),
                    Span::Strong(hostile.into()),
                    Span::Code(hostile.into()),
                    Span::Mention("unknown-user".into()),
                ]),
            },
            Block::Context {
                text: Rich(vec![
                    Span::Plain(hostile.into()),
                    Span::Mention("29:1abc".into()),
                ]),
            },
            Block::Code {
                text: hostile.into(),
                language: Some("markdown".into()),
            },
            Block::Table {
                columns: vec![hostile.into(), "b".into()],
                rows: vec![vec![hostile.into(), "".into()]],
            },
        ]),
    );
    add(
        "code",
        msg(vec![
            Block::Code {
                text: "{\n  \"Queues\": [\n\t\"a\"\n  ]\n}".into(),
                language: Some("json".into()),
            },
            Block::Code {
                text: String::new(),
                language: None,
            },
        ]),
    );
    let big_code: String = (0..10_000)
        .map(|i| format!("  {{\"QueueUrl\": \"https://sqs/q{i:05}\"}},\n"))
        .collect();
    add(
        "200 KB code",
        msg(vec![
            Block::Text {
                text: Rich::from("*Result*"),
            },
            Block::Code {
                text: big_code.clone(),
                language: None,
            },
            Block::Buttons {
                buttons: vec![button("Next page", "t1", Style::Primary, None)],
            },
        ]),
    );
    add(
        "one huge line",
        msg(vec![Block::Code {
            text: "x".repeat(250_000),
            language: None,
        }]),
    );
    let columns: Vec<String> = (0..15).map(|i| format!("Column{i}")).collect();
    let rows: Vec<Vec<String>> = (0..500)
        .map(|r| {
            (0..15)
                .map(|c| format!("r{r}c{c} {}", "v".repeat(c * 7)))
                .collect()
        })
        .collect();
    add(
        "huge table",
        msg(vec![Block::Table {
            columns: columns.clone(),
            rows,
        }]),
    );
    add(
        "ragged and empty tables",
        msg(vec![
            Block::Table {
                columns: vec!["a".into()],
                rows: vec![vec!["1".into(), "2".into(), "3".into()], vec![]],
            },
            Block::Table {
                columns: vec![],
                rows: vec![],
            },
            Block::Table {
                columns: vec!["only header".into()],
                rows: vec![],
            },
            Block::Table {
                columns: vec![],
                rows: vec![vec!["no header".into()]],
            },
        ]),
    );
    add(
        "13 buttons",
        msg(vec![Block::Buttons {
            buttons: (0..13)
                .map(|i| {
                    let style = [Style::Default, Style::Primary, Style::Danger][i % 3];
                    let confirm = (i % 4 == 0).then_some("Sure?");
                    button(&format!("Button {i}"), &format!("v{i}"), style, confirm)
                })
                .collect(),
        }]),
    );
    add(
        "danger with confirm",
        msg(vec![
            Block::Text {
                text: Rich::from("Delete queue `jobs`?"),
            },
            Block::Buttons {
                buttons: vec![
                    button(
                        "Delete",
                        "p-1",
                        Style::Danger,
                        Some("This deletes *jobs* and its messages. <at>x</at>"),
                    ),
                    button("", "", Style::Default, Some("")),
                    button(&"long label ".repeat(20), "v", Style::Primary, None),
                ],
            },
        ]),
    );
    add(
        "menus",
        msg(vec![
            Block::Menu {
                action: "param".into(),
                placeholder: "Choose a queue".into(),
                options: choices(200),
            },
            Block::Menu {
                action: "account".into(),
                placeholder: String::new(),
                options: choices(3),
            },
            Block::Menu {
                action: "x".into(),
                placeholder: "Nothing here".into(),
                options: vec![],
            },
            Block::Menu {
                action: "many".into(),
                placeholder: "Many".into(),
                options: choices(2_000),
            },
        ]),
    );
    add(
        "forms",
        msg(vec![
            Block::Form {
                action: "param".into(),
                title: "Create a queue".into(),
                fields: vec![
                    field("QueueName", 0, false, false),
                    field("Attributes", 0, true, true),
                    field("FifoQueue", 2, false, false),
                    field("Region", 30, false, true),
                    Field {
                        name: "nolabel".into(),
                        label: String::new(),
                        options: vec![],
                        multiline: false,
                        optional: false,
                    },
                    field("QueueName", 0, false, false),
                ],
                submit: "Create".into(),
            },
            Block::Form {
                action: "second".into(),
                title: String::new(),
                fields: vec![field("QueueName", 0, false, true)],
                submit: String::new(),
            },
            Block::Buttons {
                buttons: vec![button("Cancel", "p", Style::Default, None)],
            },
        ]),
    );
    add(
        "images",
        msg(vec![
            Block::Image {
                url: data_png(3_000),
                alt: "CPUUtilization, last 3 hours".into(),
            },
            Block::Image {
                url: "https://example.com/chart.png".into(),
                alt: String::new(),
            },
            Block::Image {
                url: "http://insecure.example.com/x.png".into(),
                alt: "insecure".into(),
            },
            Block::Image {
                url: data_png(60_000),
                alt: "too big".into(),
            },
        ]),
    );
    add(
        "files",
        msg(vec![
            Block::File {
                name: "small.json".into(),
                content_type: "application/json".into(),
                content: "{\"a\": 1}".into(),
            },
            Block::File {
                name: "medium.txt".into(),
                content_type: "text/plain".into(),
                content: (0..300).map(|i| format!("line {i}\n")).collect(),
            },
        ]),
    );
    add(
        "big file",
        msg(vec![
            Block::Text {
                text: Rich::from("The result is long:"),
            },
            Block::File {
                name: "output.txt".into(),
                content_type: "text/plain".into(),
                content: big_code,
            },
            Block::Context {
                text: Rich::from("account dev"),
            },
        ]),
    );
    add(
        "everything at once",
        msg(vec![
            Block::Text {
                text: Rich::from("<@29:1abc> wants to run *this*:"),
            },
            Block::Code {
                text: "aws sqs create-queue --queue-name jobs".into(),
                language: None,
            },
            Block::Table {
                columns: vec!["Name".into(), "Url".into()],
                rows: (0..5)
                    .map(|i| vec![format!("q{i}"), format!("https://sqs/q{i}")])
                    .collect(),
            },
            Block::Buttons {
                buttons: vec![
                    button("Run", "p", Style::Primary, None),
                    button("Cancel", "p", Style::Default, None),
                ],
            },
            Block::Menu {
                action: "param".into(),
                placeholder: "Queue".into(),
                options: choices(5),
            },
            Block::Form {
                action: "form".into(),
                title: "More".into(),
                fields: vec![field("a", 0, false, false)],
                submit: "Go".into(),
            },
            Block::Image {
                url: data_png(500),
                alt: "chart".into(),
            },
            Block::Context {
                text: Rich::from("account dev · region us-east-1"),
            },
            Block::File {
                name: "x.csv".into(),
                content_type: String::new(),
                content: "a,b\n".repeat(100),
            },
        ]),
    );
    add(
        "thousands of buttons",
        msg(vec![Block::Buttons {
            buttons: (0..3_000)
                .map(|i| button(&format!("b{i}"), &"v".repeat(40), Style::Default, None))
                .collect(),
        }]),
    );
    add(
        "hundreds of paragraphs",
        msg((0..400)
            .map(|i| Block::Text {
                text: Rich::from(format!("paragraph {i} *{}*", "z".repeat(200))),
            })
            .collect()),
    );
    out
}

/// The engine's golden messages and the notifications' (what the web chat is sent).
fn goldens() -> Vec<(String, Message)> {
    let mut out = Vec::new();
    let engine_dir = root().join("crates/engine/tests/golden");
    for entry in std::fs::read_dir(&engine_dir).expect("engine goldens") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let outs: Vec<Outbound> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for (i, o) in outs.into_iter().enumerate() {
            let m = match o {
                Outbound::Post(m) => m,
                Outbound::Update { content, .. } => content,
            };
            out.push((format!("{}#{i}", path.display()), m));
        }
    }
    let notify_dir = root().join("crates/notify/tests/golden");
    for entry in std::fs::read_dir(&notify_dir).expect("notify goldens") {
        let path = entry.expect("entry").path();
        if !path.to_string_lossy().ends_with(".web.json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let m: Message =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        out.push((path.display().to_string(), m));
    }
    assert!(
        out.len() >= 20,
        "the golden messages are found: {}",
        out.len()
    );
    out
}

fn names() -> RenderOptions {
    RenderOptions {
        names: HashMap::from([
            ("29:1abc".to_string(), "Alice **Admin**".to_string()),
            ("alice".to_string(), "Alice".to_string()),
        ]),
    }
}

fn assert_all_valid(messages: &[(String, Message)]) {
    let opts = names();
    let cards: Vec<Value> = messages
        .iter()
        .map(|(_, m)| cards::render(m, &opts).card)
        .collect();
    let (code, errors) = validate(&cards);
    let bad: Vec<String> = messages
        .iter()
        .zip(&errors)
        .filter(|(_, e)| !e.is_empty())
        .map(|((name, _), e)| format!("{name}: {}", e.join("; ")))
        .collect();
    assert!(bad.is_empty(), "invalid cards:\n{}", bad.join("\n"));
    assert_eq!(code, 0);
}

#[test]
fn the_corpus_renders_to_valid_cards() {
    let corpus = corpus();
    assert_all_valid(&corpus);
    // What the budget did is said on the card.
    let opts = names();
    let text_of = |name: &str| {
        let m = &corpus.iter().find(|(n, _)| n == name).expect(name).1;
        cards::render(m, &opts).card.to_string()
    };
    assert!(text_of("200 KB code").contains("characters) not shown: too long"));
    assert!(text_of("huge table").contains("of 500 rows shown"));
    assert!(text_of("images").contains("image not shown, too large"));
    assert!(text_of("big file").contains("not shown of output.txt"));
    assert!(text_of("thousands of buttons").contains("is not shown"));
}

#[test]
fn golden_messages_render_to_valid_cards() {
    assert_all_valid(&goldens());
}

#[test]
fn the_engine_answers_render_to_valid_cards() {
    use engine::{Event, Inbound};
    use std::sync::Arc;
    let config = r#"
[[workspaces]]
name = "acme"
platform = "web"

[[accounts]]
name = "dev"
id = "123456789012"
region = "us-east-1"
endpoint = "http://127.0.0.1:9"

[[policies]]
name = "queue-writes"
document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:*"],"Resource":"*"}]}'

[[roles]]
name = "operator"
policies = ["AdministratorAccess"]

[[channels]]
name = "ops"
workspace = "acme"
platform_id = "C-OPS"
accounts = ["dev"]
role_setting = "channel"
channel_role = "operator"
guardrails = ["ReadOnly", "queue-writes"]
"#;
    let store: Arc<dyn store::Store> = Arc::new(store::SqliteStore::in_memory().expect("sqlite"));
    let engine = engine::testing::engine(config, store, engine::Options::default());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut messages = Vec::new();
    // Lines the engine answers without calling AWS: help, a denial, a prompt, a
    // confirmation, a mistake.
    for line in [
        "help",
        "sqs help",
        "sqs create-queue help",
        "iam list-users",
        "sqs create-queue",
        "sqs delete-queue --queue-url https://sqs/q1",
        "sqs list-queus",
        "sqs create-queue --queue-name x --attributes 'not shorthand'",
    ] {
        let reply = rt.block_on(engine.reply(&Inbound {
            workspace: "acme".into(),
            channel: "C-OPS".into(),
            thread: None,
            user: "alice".into(),
            user_name: None,
            event: Event::Text {
                text: line.to_string(),
            },
        }));
        for (i, o) in reply.out.into_iter().enumerate() {
            let m = match o {
                Outbound::Post(m) => m,
                Outbound::Update { content, .. } => content,
            };
            messages.push((format!("{line}#{i}"), m));
        }
    }
    assert!(messages.len() >= 8, "{} messages", messages.len());
    // The answers have controls: help's menu, the confirmation's buttons.
    let has = |kind: &Block| {
        messages.iter().any(|(_, m)| {
            m.blocks
                .iter()
                .any(|b| std::mem::discriminant(b) == std::mem::discriminant(kind))
        })
    };
    assert!(has(&Block::Buttons { buttons: vec![] }), "a confirmation");
    assert!(has(&Block::Menu {
        action: String::new(),
        placeholder: String::new(),
        options: vec![]
    }));
    assert_all_valid(&messages);
}

#[test]
fn the_validator_reports_invalid_cards() {
    let ok = cards::render(&msg(vec![]), &RenderOptions::default()).card;
    let submits: Vec<Value> = (0..7)
        .map(|i| json!({"type": "Action.Submit", "title": format!("b{i}"), "data": {}}))
        .collect();
    let cards = vec![
        // A Table is 1.5: under 1.2 it is unknown.
        json!({"type": "AdaptiveCard", "version": "1.2", "body": [
            {"type": "Table", "columns": [{"width": 1}], "rows": []}]}),
        json!({"type": "AdaptiveCard", "version": "1.5", "body": [
            {"type": "TextBlock", "text": "x", "size": "gigantic"}]}),
        json!({"type": "AdaptiveCard", "version": "1.5", "body": [
            {"type": "ActionSet", "actions": submits}]}),
        json!({"type": "AdaptiveCard", "version": "1.5", "body": [
            {"type": "Input.Text", "id": "a"}, {"type": "Input.Text", "id": "a"}]}),
        json!({"type": "AdaptiveCard", "version": "7.0", "body": []}),
        json!({"type": "AdaptiveCard", "version": "1.5", "body": [
            {"type": "TextBlock", "text": "x".repeat(MAX_CARD_BYTES)}]}),
        json!({"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "Image"}],
               "actions": [{"type": "Action.Submit"}]}),
        ok,
    ];
    let (code, errors) = validate(&cards);
    assert_eq!(code, 1);
    let expect = [
        "Unknown element type \"Table\"",
        "Invalid value \"gigantic\"",
        "7 actions, Teams shows at most 6",
        "Duplicate Id \"a\"",
        "version \"7.0\" is not one the library knows",
        "the budget is 24000",
        "Image without a url",
    ];
    for (i, want) in expect.iter().enumerate() {
        assert!(
            errors[i].iter().any(|e| e.contains(want)),
            "card {i}: expected {want:?} in {:?}",
            errors[i]
        );
    }
    assert!(errors[6]
        .iter()
        .any(|e| e.contains("Action.Submit without a title")));
    assert!(errors[7].is_empty(), "{:?}", errors[7]);
}
