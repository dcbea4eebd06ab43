//! Block Kit rendering: golden output, limits, escaping, and the round trip of every control
//! through payloads shaped like the ones Slack sends back.

use engine::{Block, Button, Choice, Event, Field, Message, Rich, Span, Style};
use proptest::prelude::*;
use serde_json::{json, Value};
use slack::blocks::{
    render, Destination, Overflow, RenderOptions, Rendered, MAX_BLOCKS, MAX_MESSAGE_CHARS,
};
use slack::interactivity::{self, Interaction, Target};
use slack::limits::{validate_message, validate_view};

fn dest() -> Destination {
    Destination {
        workspace: "T123ABC456".into(),
        channel: "C0123CHAN".into(),
    }
}

fn render_default(m: &Message) -> Rendered {
    render(m, &dest(), &RenderOptions::default())
}

fn check_all(r: &Rendered) {
    for (i, m) in r.messages.iter().enumerate() {
        if let Err(e) = validate_message(m) {
            panic!(
                "message {i}: {e}\n{}",
                serde_json::to_string_pretty(&m.blocks).unwrap()
            );
        }
    }
    for m in &r.modals {
        validate_view(&m.view).unwrap_or_else(|e| panic!("modal: {e}"));
    }
}

fn prompt() -> Message {
    let mut m = Message {
        id: "m00c0ffee00c0ffee0000beef".into(),
        thread: Some("1700000000.000100".into()),
        only_to: None,
        blocks: vec![],
    };
    m.text("<@U061F7AUR> `aws ec2 stop-instances --instance-ids i-0abc` changes things & <needs> a yes")
        .code("{\n  \"InstanceIds\": [\"i-0abc\"]\n}");
    m.blocks.push(Block::Buttons {
        buttons: vec![
            Button {
                label: "Run".into(),
                action: "run".into(),
                value: "p42".into(),
                style: Style::Danger,
                confirm: Some("Stop i-0abc in <prod>?".into()),
            },
            Button {
                label: "Cancel".into(),
                action: "cancel".into(),
                value: "p42".into(),
                style: Style::Default,
                confirm: None,
            },
        ],
    });
    m.context("account 111122223333 · us-east-1 · role ChatOpsReadOnly");
    m
}

#[test]
fn golden_prompt() {
    let r = render_default(&prompt());
    check_all(&r);
    assert_eq!(r.overflow, Overflow::Fits);
    assert!(r.handles.is_empty() && r.files.is_empty() && r.modals.is_empty());
    let got = serde_json::to_string_pretty(
        &r.messages[0].post_body("C0123CHAN", Some("1700000000.000100")),
    )
    .unwrap();
    let path = format!("{}/tests/golden/prompt.json", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(format!("{}/tests/golden", env!("CARGO_MANIFEST_DIR"))).unwrap();
        std::fs::write(&path, format!("{got}\n")).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        got.trim_end(),
        want.trim_end(),
        "UPDATE_GOLDEN=1 rewrites {path}"
    );
}

#[test]
fn prompt_shapes() {
    let r = render_default(&prompt());
    let b = &r.messages[0].blocks;
    assert_eq!(b[0]["type"], "section");
    assert_eq!(
        b[0]["text"]["text"],
        "<@U061F7AUR> `aws ec2 stop-instances --instance-ids i-0abc` changes things &amp; &lt;needs&gt; a yes"
    );
    assert_eq!(
        b[1]["text"]["text"],
        "```\n{\n  \"InstanceIds\": [\"i-0abc\"]\n}\n```"
    );
    assert_eq!(b[2]["type"], "actions");
    let run = &b[2]["elements"][0];
    assert_eq!(run["style"], "danger");
    assert_eq!(run["action_id"], "run~0");
    assert_eq!(run["value"], "p42");
    assert_eq!(
        run["confirm"]["text"]["text"],
        "Stop i-0abc in &lt;prod&gt;?"
    );
    assert_eq!(run["confirm"]["style"], "danger");
    assert_eq!(b[2]["elements"][1]["action_id"], "cancel~1");
    assert!(b[2]["elements"][1].get("style").is_none());
    assert_eq!(b[3]["type"], "context");
    assert!(r.messages[0]
        .text
        .starts_with("<@U061F7AUR> `aws ec2 stop-instances"));
}

#[test]
fn code_cannot_close_its_fence() {
    let mut m = Message::default();
    m.code("before ``` inside ```` and <!channel>\nlast`");
    let r = render_default(&m);
    let t = r.messages[0].blocks[0]["text"]["text"].as_str().unwrap();
    let inner = t
        .strip_prefix("```\n")
        .unwrap()
        .strip_suffix("\n```")
        .unwrap();
    assert!(!inner.contains("```"), "{inner}");
    assert!(inner.contains("&lt;!channel&gt;"));
    assert_eq!(
        inner.replace('\u{200B}', ""),
        "before ``` inside ```` and &lt;!channel&gt;\nlast`"
    );
}

#[test]
fn tables_are_aligned_monospace() {
    let mut m = Message::default();
    m.blocks.push(Block::Table {
        columns: vec!["InstanceId".into(), "State".into(), "Name".into()],
        rows: vec![
            vec!["i-0abc".into(), "running".into(), "web & api".into()],
            vec!["i-0123456789abcdef0".into(), "stopped".into()],
        ],
    });
    let r = render_default(&m);
    let t = r.messages[0].blocks[0]["text"]["text"].as_str().unwrap();
    assert_eq!(
        t,
        "```\nInstanceId           State    Name\n-------------------  -------  ---------\ni-0abc               running  web &amp; api\ni-0123456789abcdef0  stopped\n```"
    );
}

#[test]
fn long_tables_repeat_their_header() {
    let mut m = Message::default();
    m.blocks.push(Block::Table {
        columns: vec!["Key".into(), "Value".into()],
        rows: (0..400)
            .map(|i| vec![format!("k{i}"), "v".repeat(20)])
            .collect(),
    });
    let r = render_default(&m);
    check_all(&r);
    let sections: Vec<&str> = r
        .messages
        .iter()
        .flat_map(|m| &m.blocks)
        .filter_map(|b| b["text"]["text"].as_str())
        .collect();
    assert!(sections.len() > 1);
    for s in &sections {
        assert!(s.starts_with("```\nKey   Value\n----  ----"), "{s}");
    }
}

/// A command holding the dialect's marks, shown as code by the engine, reaches Slack as one
/// code span: no bold, no mention, no early end of the code, and the mention the engine
/// meant (a real one) still notifies.
#[test]
fn values_with_marks_are_shown_literally() {
    let command = "ec2 describe-instances --query 'R[?x==`1`]' *all* <@U1> a&b";
    let mut m = Message::default();
    m.text(format!(
        "{} ran {}",
        engine::text::mention("U061F7AUR"),
        engine::text::code(command)
    ))
    .context(engine::text::literal("by <@U1> *now*"))
    .context(Rich(vec![Span::Mention("not a slack id".into())]));
    let r = render_default(&m);
    check_all(&r);
    let blocks = &r.messages[0].blocks;
    assert_eq!(
        blocks[0]["text"]["text"],
        "<@U061F7AUR> ran `ec2 describe-instances --query 'R[?x==\u{2cb}1\u{2cb}]' *all* &lt;@U1&gt; a&amp;b`"
    );
    assert_eq!(blocks[1]["elements"][0]["text"], "by &lt;@U1&gt; *now*");
    assert_eq!(blocks[2]["elements"][0]["text"], "@not a slack id");
    assert_eq!(
        r.messages[0].text,
        "<@U061F7AUR> ran `ec2 describe-instances --query 'R[?x==\u{2cb}1\u{2cb}]' *all* &lt;@U1&gt; a&amp;b`\nby &lt;@U1&gt; *now*\n@not a slack id"
    );
}

#[test]
fn long_text_splits_then_falls_back_to_a_file() {
    let line = "word ".repeat(19) + "\n";
    // About 57,600 characters: two messages.
    let mut m = Message::default();
    m.text(line.repeat(600));
    let r = render_default(&m);
    check_all(&r);
    assert_eq!(r.overflow, Overflow::Split(2));
    let total: usize = r
        .messages
        .iter()
        .flat_map(|m| &m.blocks)
        .map(|b| b["text"]["text"].as_str().unwrap().chars().count())
        .sum();
    assert!(total >= 57_000, "{total}");
    // About 384,000 characters with controls: a file, the first part, the note, the buttons.
    let mut m = prompt();
    m.blocks.insert(
        1,
        Block::Code {
            text: line.repeat(4000),
            language: None,
        },
    );
    let r = render_default(&m);
    check_all(&r);
    let Overflow::File { name, chars } = &r.overflow else {
        panic!("{:?}", r.overflow)
    };
    assert_eq!(name, "output.txt");
    assert!(*chars > 380_000);
    assert_eq!(r.messages.len(), 1);
    assert_eq!(r.files.len(), 1);
    let file = String::from_utf8(r.files[0].content.clone()).unwrap();
    assert!(file.contains("i-0abc") && file.contains(&line));
    let types: Vec<&str> = r.messages[0]
        .blocks
        .iter()
        .map(|b| b["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["section", "context", "actions", "context"]);
    assert!(r.messages[0].blocks[1]["elements"][0]["text"]
        .as_str()
        .unwrap()
        .contains("attached as `output.txt`"));
    // chat.update replaces one message: a file as soon as one is not enough.
    let mut m = Message::default();
    m.text(line.repeat(600));
    let r = render(&m, &dest(), &RenderOptions { max_messages: 1 });
    assert!(matches!(r.overflow, Overflow::File { .. }));
    assert_eq!(r.messages.len(), 1);
}

#[test]
fn ephemeral_messages_split_instead_of_sharing_a_file() {
    let mut m = Message {
        only_to: Some("U061F7AUR".into()),
        ..Message::default()
    };
    m.code("x".repeat(300_000));
    let r = render_default(&m);
    check_all(&r);
    assert!(r.files.is_empty());
    assert!(matches!(r.overflow, Overflow::Split(n) if n > 4));
}

#[test]
fn many_blocks_split_at_fifty() {
    let mut m = Message::default();
    for i in 0..120 {
        m.context(format!("line {i}"));
    }
    let r = render_default(&m);
    check_all(&r);
    assert_eq!(
        r.messages
            .iter()
            .map(|m| m.blocks.len())
            .collect::<Vec<_>>(),
        [MAX_BLOCKS, MAX_BLOCKS, 20]
    );
}

#[test]
fn images() {
    let m = Message {
        blocks: vec![
            Block::Image {
                url: "https://example.com/cpu.png".into(),
                alt: "CPU <last hour>".into(),
            },
            Block::Image {
                url: "data:image/png;base64,iVBORw0KGgo=".into(),
                alt: "chart".into(),
            },
            Block::Image {
                url: "javascript:alert(1)".into(),
                alt: "x".into(),
            },
        ],
        ..Message::default()
    };
    let r = render_default(&m);
    check_all(&r);
    let b = &r.messages[0].blocks;
    assert_eq!(
        b[0],
        json!({"type": "image", "image_url": "https://example.com/cpu.png", "alt_text": "CPU <last hour>"})
    );
    assert_eq!(b[1]["elements"][0]["text"], "(image not shown: x)");
    assert_eq!(r.files[0].name, "image-1.png");
    assert_eq!(r.files[0].content_type, "image/png");
    assert_eq!(r.files[0].content, b"\x89PNG\r\n\x1a\n");
    assert_eq!(r.files[0].alt.as_deref(), Some("chart"));
}

#[test]
fn only_a_file() {
    let m = Message {
        blocks: vec![Block::File {
            name: "chart.png".into(),
            content_type: "image/png".into(),
            content: "…".into(),
        }],
        ..Message::default()
    };
    let r = render_default(&m);
    assert!(r.messages.is_empty());
    assert_eq!(r.files[0].name, "chart.png");
}

/// The `block_actions` payload Slack would send when `element` of `block` is used.
fn press(block: &Value, element: &Value, option: Option<&Value>) -> Vec<u8> {
    let mut action = json!({
        "type": element["type"],
        "action_id": element["action_id"],
        "block_id": block["block_id"],
        "action_ts": "1548426417.840180",
    });
    match option {
        Some(o) => action["selected_option"] = o.clone(),
        None => {
            action["value"] = element["value"].clone();
            action["text"] = element["text"].clone();
        }
    }
    let payload = json!({
        "type": "block_actions",
        "user": {"id": "U061F7AUR", "username": "ann", "name": "ann", "team_id": "T123ABC456"},
        "api_app_id": "A123ABC456",
        "token": "x",
        "container": {"type": "message", "message_ts": "1700000001.000200", "channel_id": "C0123CHAN", "is_ephemeral": false},
        "trigger_id": "1.2.3",
        "team": {"id": "T123ABC456", "domain": "example"},
        "channel": {"id": "C0123CHAN", "name": "ops"},
        "message": {"type": "message", "ts": "1700000001.000200", "thread_ts": "1700000000.000100", "blocks": [block]},
        "response_url": "https://hooks.slack.com/actions/T/1/x",
        "actions": [action],
    });
    form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &payload.to_string())
        .finish()
        .into_bytes()
}

#[test]
fn every_control_round_trips() {
    let long = format!(
        "p42|arn:aws:lambda:us-east-1:111122223333:function:{}",
        "x".repeat(200)
    );
    let options: Vec<Choice> = (0..250)
        .map(|i| Choice {
            label: format!("option {i} {}", "y".repeat(i % 90)),
            value: if i == 7 {
                long.clone()
            } else {
                format!("p42|v{i}")
            },
        })
        .collect();
    let mut m = prompt();
    m.blocks.push(Block::Menu {
        action: "param".into(),
        placeholder: "Function name".into(),
        options: options.clone(),
    });
    m.blocks.push(Block::Buttons {
        buttons: (0..30)
            .map(|i| Button {
                label: format!("B{i}"),
                action: "next_page".into(),
                value: if i == 29 {
                    "#h:looks-like-a-handle".into()
                } else {
                    format!("v{i}")
                },
                style: Style::Primary,
                confirm: None,
            })
            .collect(),
    });
    let r = render_default(&m);
    check_all(&r);
    assert_eq!(r.messages.len(), 1);
    let lookup = |k: &str| r.handles.resolve(k);
    let mut seen = Vec::new();
    for block in r.messages[0]
        .blocks
        .iter()
        .filter(|b| b["type"] == "actions")
    {
        for el in block["elements"].as_array().unwrap() {
            let presses: Vec<(Vec<u8>, Option<String>)> = if el["type"] == "static_select" {
                el["options"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|o| (press(block, el, Some(o)), None))
                    .collect()
            } else {
                vec![(press(block, el, None), None)]
            };
            for (body, _) in presses {
                let Interaction::BlockActions(a) = interactivity::parse(&body).unwrap() else {
                    panic!()
                };
                let i = a.to_inbound(lookup).unwrap();
                assert_eq!(i.workspace, "T123ABC456");
                assert_eq!(i.thread.as_deref(), Some("1700000000.000100"));
                let Event::Action {
                    message,
                    action,
                    value,
                } = i.event
                else {
                    panic!()
                };
                assert_eq!(message.as_deref(), Some("m00c0ffee00c0ffee0000beef"));
                seen.push((action, value));
            }
        }
    }
    let mut want: Vec<(String, String)> = vec![
        ("run".into(), "p42".into()),
        ("cancel".into(), "p42".into()),
    ];
    want.extend(
        options
            .iter()
            .map(|o| ("param".to_string(), o.value.clone())),
    );
    want.extend((0..30).map(|i| {
        (
            "next_page".to_string(),
            if i == 29 {
                "#h:looks-like-a-handle".to_string()
            } else {
                format!("v{i}")
            },
        )
    }));
    assert_eq!(seen, want);
    // Three menus for 250 options, ranges in the placeholders; 30 buttons in two blocks.
    let selects: Vec<&Value> = r.messages[0]
        .blocks
        .iter()
        .flat_map(|b| b["elements"].as_array().into_iter().flatten())
        .filter(|e| e["type"] == "static_select")
        .collect();
    assert_eq!(selects.len(), 3);
    assert_eq!(selects[2]["placeholder"]["text"], "Function name (201–250)");
}

#[test]
fn forms_open_a_modal_and_submit_back() {
    let long_choice = "z".repeat(400);
    let mut m = Message {
        id: "m1".into(),
        thread: Some("1700000000.000100".into()),
        ..Message::default()
    };
    m.blocks.push(Block::Form {
        action: "support_case".into(),
        title: "Open an AWS Support case about this".into(),
        fields: vec![
            Field {
                name: "subject".into(),
                label: "Subject".into(),
                options: vec![],
                multiline: false,
                optional: false,
            },
            Field {
                name: "body".into(),
                label: "".into(),
                options: vec![],
                multiline: true,
                optional: true,
            },
            Field {
                name: "severity".into(),
                label: "Severity".into(),
                options: vec![
                    Choice {
                        label: "Low".into(),
                        value: "low".into(),
                    },
                    Choice {
                        label: "Long".into(),
                        value: long_choice.clone(),
                    },
                ],
                multiline: false,
                optional: false,
            },
        ],
        submit: "Open case".into(),
    });
    let r = render_default(&m);
    check_all(&r);
    let modal = &r.modals[0];
    assert_eq!(modal.view["title"]["text"], "Open an AWS Support cas…");
    assert_eq!(modal.view["callback_id"], "support_case");
    assert_eq!(modal.view["blocks"][1]["element"]["multiline"], true);
    assert_eq!(modal.view["blocks"][1]["label"]["text"], "body");
    // The message's button asks the surface to open the modal.
    let block = &r.messages[0].blocks[0];
    let button = &block["elements"][0];
    let Interaction::BlockActions(a) = interactivity::parse(&press(block, button, None)).unwrap()
    else {
        panic!()
    };
    assert_eq!(
        a.target(|k| r.handles.resolve(k)).unwrap(),
        Target::OpenForm {
            key: modal.key.clone()
        }
    );
    assert!(a.to_inbound(|k| r.handles.resolve(k)).is_err());
    // Slack's view_submission for that modal.
    let blocks = modal.view["blocks"].as_array().unwrap();
    let long_value = blocks[2]["element"]["options"][1]["value"].clone();
    let payload = json!({
        "type": "view_submission",
        "team": {"id": "T123ABC456", "domain": "example"},
        "user": {"id": "U061F7AUR", "username": "ann", "name": "ann", "team_id": "T123ABC456"},
        "api_app_id": "A1",
        "trigger_id": "1.2.3",
        "view": {
            "id": "V1", "type": "modal", "team_id": "T123ABC456",
            "callback_id": modal.view["callback_id"],
            "private_metadata": modal.view["private_metadata"],
            "blocks": modal.view["blocks"],
            "state": {"values": {
                blocks[0]["block_id"].as_str().unwrap(): {"value": {"type": "plain_text_input", "value": "Instance <down> & out"}},
                blocks[1]["block_id"].as_str().unwrap(): {"value": {"type": "plain_text_input", "value": null}},
                blocks[2]["block_id"].as_str().unwrap(): {"value": {"type": "static_select", "selected_option": {"text": {"type": "plain_text", "text": "Long"}, "value": long_value}}},
            }},
        },
    });
    let Interaction::ViewSubmission(s) = interactivity::parse_value(&payload).unwrap() else {
        panic!()
    };
    let i = s.to_inbound(|k| r.handles.resolve(k)).unwrap();
    assert_eq!(i.channel, "C0123CHAN");
    assert_eq!(i.thread.as_deref(), Some("1700000000.000100"));
    assert_eq!(
        i.event,
        Event::Form {
            message: Some("m1".into()),
            action: "support_case".into(),
            values: vec![
                ("subject".into(), "Instance <down> & out".into()),
                ("severity".into(), long_choice)
            ],
        }
    );
}

fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "(<|>|&|@|!|#|U|W|1|A|\\||:|/|`| |\n|x){0,80}",
        "\\PC{0,200}",
        Just("<!channel> <http://evil.example|click> <@U024BE7LH> <@U1|boss> <#C1>".to_string()),
        (1usize..7000).prop_map(|n| "ab&<\n".repeat(n / 5 + 1)),
    ]
}

/// Rich text: a string read as the engine's dialect, or spans holding anything.
fn arb_rich() -> impl Strategy<Value = Rich> {
    prop_oneof![
        arb_text().prop_map(Rich::from),
        prop::collection::vec(
            prop_oneof![
                arb_text().prop_map(Span::Plain),
                arb_text().prop_map(Span::Strong),
                arb_text().prop_map(Span::Code),
                arb_text().prop_map(Span::Mention),
                "[UW][A-Z0-9]{2,12}".prop_map(Span::Mention),
            ],
            0..6
        )
        .prop_map(Rich),
    ]
}

fn arb_block() -> impl Strategy<Value = Block> {
    prop_oneof![
        arb_rich().prop_map(|text| Block::Text { text }),
        arb_text().prop_map(|text| Block::Code {
            text,
            language: None
        }),
        arb_rich().prop_map(|text| Block::Context { text }),
        (arb_text(), arb_text()).prop_map(|(path, alt)| Block::Image {
            url: format!("https://example.com/{path}"),
            alt
        }),
        (
            prop::collection::vec(arb_text(), 0..4),
            prop::collection::vec(prop::collection::vec(arb_text(), 0..4), 0..30)
        )
            .prop_map(|(columns, rows)| Block::Table { columns, rows }),
        prop::collection::vec(
            (
                arb_text(),
                arb_text(),
                arb_text(),
                0..3u8,
                prop::option::of(arb_text())
            ),
            0..30
        )
        .prop_map(|bs| Block::Buttons {
            buttons: bs
                .into_iter()
                .map(|(label, action, value, s, confirm)| Button {
                    label,
                    action,
                    value,
                    style: [Style::Default, Style::Primary, Style::Danger][s as usize],
                    confirm,
                })
                .collect()
        }),
        (
            arb_text(),
            arb_text(),
            prop::collection::vec((arb_text(), arb_text()), 0..230)
        )
            .prop_map(|(action, placeholder, os)| Block::Menu {
                action,
                placeholder,
                options: os
                    .into_iter()
                    .map(|(label, value)| Choice { label, value })
                    .collect(),
            }),
        (
            arb_text(),
            arb_text(),
            prop::collection::vec(
                (
                    arb_text(),
                    arb_text(),
                    any::<bool>(),
                    any::<bool>(),
                    prop::collection::vec((arb_text(), arb_text()), 0..3)
                ),
                0..5
            ),
            arb_text()
        )
            .prop_map(|(action, title, fs, submit)| Block::Form {
                action,
                title,
                fields: fs
                    .into_iter()
                    .map(|(name, label, multiline, optional, os)| Field {
                        name,
                        label,
                        options: os
                            .into_iter()
                            .map(|(label, value)| Choice { label, value })
                            .collect(),
                        multiline,
                        optional,
                    })
                    .collect(),
                submit,
            }),
    ]
}

/// Every mrkdwn string in the output: a '<' only ever opens a plain user mention.
fn assert_no_links(v: &Value) {
    match v {
        Value::Object(o) => {
            if o.get("type").and_then(Value::as_str) == Some("mrkdwn") {
                let t = o["text"].as_str().unwrap();
                let mut rest = t;
                while let Some(i) = rest.find(['<', '>']) {
                    let here = &rest[i..];
                    assert!(here.starts_with("<@U") || here.starts_with("<@W"), "{t:?}");
                    let end = here.find('>').unwrap();
                    let id = &here[2..end];
                    assert!(
                        id.chars()
                            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
                        "{t:?}"
                    );
                    rest = &here[end + 1..];
                }
            }
            o.values().for_each(assert_no_links);
        }
        Value::Array(a) => a.iter().for_each(assert_no_links),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn rendered_messages_are_always_within_limits(
        blocks in prop::collection::vec(arb_block(), 0..12),
        id in "[a-z0-9~]{0,30}",
        ephemeral in any::<bool>(),
        max_messages in 1usize..5,
    ) {
        let m = Message { id, thread: None, only_to: ephemeral.then(|| "U1".to_string()), blocks };
        let r = render(&m, &dest(), &RenderOptions { max_messages });
        check_all(&r);
        for msg in &r.messages {
            prop_assert!(msg.blocks.len() <= MAX_BLOCKS);
            prop_assert!(msg.blocks.iter().map(slack::blocks::text_chars).sum::<usize>() + msg.text.chars().count() <= MAX_MESSAGE_CHARS);
            assert_no_links(&Value::Array(msg.blocks.clone()));
            assert_no_links(&json!({"type": "mrkdwn", "text": msg.text}));
        }
        if ephemeral {
            let is_file = matches!(r.overflow, Overflow::File { .. });
            prop_assert!(!is_file);
        } else {
            let is_file = matches!(r.overflow, Overflow::File { .. });
            prop_assert!(r.messages.len() <= max_messages || is_file);
        }
        // Every value and id that went out comes back.
        for msg in &r.messages {
            for b in &msg.blocks {
                for e in b["elements"].as_array().into_iter().flatten() {
                    if let Some(v) = e["value"].as_str() {
                        prop_assert!(r.handles.resolve(v).is_some());
                    }
                    for o in e["options"].as_array().into_iter().flatten() {
                        prop_assert!(r.handles.resolve(o["value"].as_str().unwrap()).is_some());
                    }
                }
            }
        }
    }
}
