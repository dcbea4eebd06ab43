//! Edge cases of `cli_output`, with the AWS CLI's output written out.
//!
//! The expected strings come from the AWS CLI's formatters (awscli 1.46.2 for json, text and
//! table; AWS CLI v2's YAML dumper over ruamel.yaml 0.17.21 for yaml): `output_oracle.rs`
//! checks the same behaviour against the live formatters; these tests need no Python.

use cli_output::{
    render, render_pages, render_with_options, render_with_title, OutputError, OutputFormat,
    Paging, Query, RenderOptions, DEFAULT_TABLE_WIDTH,
};
use serde_json::{json, Value};

fn check(
    value: &str,
    format: OutputFormat,
    query: Option<&str>,
    title: &str,
    width: usize,
    want: &str,
) {
    let value: Value = serde_json::from_str(value).expect("test value is JSON");
    let options = RenderOptions {
        format,
        query,
        title: Some(title),
        table_width: width,
    };
    let got = render_with_options(&value, &options).expect("renders");
    assert_eq!(got, want, "\n--- want\n{want}--- got\n{got}---");
}

#[test]
fn output_format_names() {
    for format in OutputFormat::ALL {
        assert_eq!(format.as_str().parse::<OutputFormat>().unwrap(), format);
        assert_eq!(format.to_string(), format.as_str());
    }
    assert_eq!(
        "yaml-stream".parse::<OutputFormat>().unwrap(),
        OutputFormat::YamlStream
    );
    let err = "xml".parse::<OutputFormat>().unwrap_err();
    assert!(matches!(err, OutputError::UnknownFormat(ref s) if s == "xml"));
    assert!(err
        .to_string()
        .contains("json, text, table, yaml, yaml-stream, off"));
}

#[test]
fn off_prints_nothing_and_skips_the_query() {
    let value = json!({"a": 1});
    assert_eq!(render(&value, OutputFormat::Off, None).unwrap(), "");
    // A query that would fail at run time is not evaluated...
    assert_eq!(
        render(&value, OutputFormat::Off, Some("sum(a)")).unwrap(),
        ""
    );
    // ...but a query that does not parse is still refused.
    assert!(matches!(
        render(&value, OutputFormat::Off, Some("a[")),
        Err(OutputError::BadQuery { .. })
    ));
}

#[test]
fn bad_query_is_reported_like_the_cli() {
    let err = Query::compile("Reservations[").unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("Bad value for --query Reservations[: "),
        "{message}"
    );
    let err = Query::compile("").unwrap_err();
    assert_eq!(
        err.to_string(),
        "Bad value for --query : Invalid JMESPath expression: cannot be empty."
    );
    let q = Query::compile("a.b").unwrap();
    assert_eq!(q.expression(), "a.b");
}

#[test]
fn query_errors_carry_the_cli_message() {
    let value = json!({"names": ["a", "b"], "n": 1});
    let err = render(&value, OutputFormat::Json, Some("sum(names)")).unwrap_err();
    assert_eq!(
        err,
        OutputError::Query(
            "In function sum(), invalid type for value: a, expected one of: ['array-number'], received: \"str\"".to_owned()
        )
    );
    let err = render(&value, OutputFormat::Json, Some("nope(n)")).unwrap_err();
    assert_eq!(err.to_string(), "Unknown function: nope()");
    let err = render(&value, OutputFormat::Json, Some("names[?@ > `1`]")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "'>' not supported between instances of 'str' and 'int'"
    );
}

#[test]
fn formatter_failures_are_errors() {
    // The CLI's table formatter fails on rows of different lengths.
    let value = json!({"Rows": [[1, 2], [3]]});
    assert!(matches!(
        render_with_title(&value, OutputFormat::Table, Some("Rows"), "Op"),
        Err(OutputError::Format(_))
    ));
    // The CLI's text formatter fails on a list mixing structures and scalars.
    let value = json!({"Mixed": [{"a": 1}, "x"]});
    assert!(matches!(
        render(&value, OutputFormat::Text, None),
        Err(OutputError::Format(_))
    ));
}

#[test]
fn untitled_tables_have_no_title_row() {
    let value = json!({"Name": "x", "Size": 1});
    let got = render(&value, OutputFormat::Table, None).unwrap();
    // What the CLI prints for an empty operation name.
    assert_eq!(
        got,
        "------------------\n+-------+--------+\n| Name  | Size   |\n+-------+--------+\n|  x    |  1     |\n+-------+--------+\n"
    );
    assert_eq!(DEFAULT_TABLE_WIDTH, 80);
}

#[test]
fn text_pages_print_result_keys_page_by_page() {
    let pages = [
        json!({"Contents": [{"Key": "a", "Size": 1}], "NextContinuationToken": "t"}),
        json!({"Contents": [{"Key": "b", "Size": 2}], "CommonPrefixes": [{"Prefix": "c/"}]}),
    ];
    let paging = Paging {
        result_keys: &["Contents", "CommonPrefixes"],
        non_aggregate_keys: &[],
        resume_token: Some("tok"),
    };
    assert_eq!(
        render_pages(&pages, OutputFormat::Text, None, &paging).unwrap(),
        "None\nCONTENTS\ta\t1\nCOMMONPREFIXES\tc/\nCONTENTS\tb\t2\nNEXTTOKEN\ttok\n"
    );
    assert_eq!(
        render_pages(&pages, OutputFormat::Text, Some("Contents[].Key"), &paging).unwrap(),
        "a\nb\nNone\n"
    );
    assert_eq!(
        render_pages(
            &pages,
            OutputFormat::YamlStream,
            Some("Contents[].Key"),
            &paging
        )
        .unwrap(),
        "- - a\n- - b\n"
    );
    assert!(matches!(
        render_pages(&pages, OutputFormat::Json, None, &paging),
        Err(OutputError::Format(_))
    ));
}

#[test]
fn query_api_keeps_order_and_numbers() {
    let q = Query::compile("{z: b, a: a}").unwrap();
    let out = q.search(&json!({"a": 1.0, "b": 2})).unwrap();
    assert_eq!(serde_json::to_string(&out).unwrap(), r#"{"z":2,"a":1.0}"#);
}

#[test]
fn empty_object_prints_nothing_json() {
    check(
        r##"{}"##,
        OutputFormat::Json,
        None,
        "PutBucketTagging",
        80,
        "",
    );
}

#[test]
fn empty_object_prints_nothing_text() {
    check(
        r##"{}"##,
        OutputFormat::Text,
        None,
        "PutBucketTagging",
        80,
        "",
    );
}

#[test]
fn empty_object_prints_nothing_table() {
    check(
        r##"{}"##,
        OutputFormat::Table,
        None,
        "PutBucketTagging",
        80,
        "",
    );
}

#[test]
fn empty_object_prints_nothing_yaml() {
    check(
        r##"{}"##,
        OutputFormat::Yaml,
        None,
        "PutBucketTagging",
        80,
        "",
    );
}

#[test]
fn null_result_json() {
    check(
        r##"{"a": 1}"##,
        OutputFormat::Json,
        Some("missing"),
        "Op",
        80,
        "null\n",
    );
}

#[test]
fn null_result_text() {
    check(
        r##"{"a": 1}"##,
        OutputFormat::Text,
        Some("missing"),
        "Op",
        80,
        "None\n",
    );
}

#[test]
fn null_result_table() {
    check(
        r##"{"a": 1}"##,
        OutputFormat::Table,
        Some("missing"),
        "Op",
        80,
        "",
    );
}

#[test]
fn null_result_yaml() {
    check(
        r##"{"a": 1}"##,
        OutputFormat::Yaml,
        Some("missing"),
        "Op",
        80,
        "null\n",
    );
}

#[test]
fn null_result_yaml_stream() {
    check(
        r##"{"a": 1}"##,
        OutputFormat::YamlStream,
        Some("missing"),
        "Op",
        80,
        "- null\n",
    );
}

#[test]
fn string_result_json() {
    check(
        r##"{"a": "héllo"}"##,
        OutputFormat::Json,
        Some("a"),
        "Op",
        80,
        "\"héllo\"\n",
    );
}

#[test]
fn string_result_text() {
    check(
        r##"{"a": "héllo"}"##,
        OutputFormat::Text,
        Some("a"),
        "Op",
        80,
        "héllo\n",
    );
}

#[test]
fn string_result_table() {
    check(
        r##"{"a": "héllo"}"##,
        OutputFormat::Table,
        Some("a"),
        "GetThing",
        80,
        "----------\n|GetThing|\n+--------+\n",
    );
}

#[test]
fn string_result_yaml() {
    check(
        r##"{"a": "héllo"}"##,
        OutputFormat::Yaml,
        Some("a"),
        "Op",
        80,
        "\"héllo\"\n",
    );
}

#[test]
fn empty_list_result_json() {
    check(
        r##"{"a": []}"##,
        OutputFormat::Json,
        Some("a"),
        "Op",
        80,
        "[]\n",
    );
}

#[test]
fn empty_list_result_yaml() {
    check(
        r##"{"a": []}"##,
        OutputFormat::Yaml,
        Some("a"),
        "Op",
        80,
        "[]\n",
    );
}

#[test]
fn empty_list_result_table() {
    check(
        r##"{"a": []}"##,
        OutputFormat::Table,
        Some("a"),
        "Op",
        80,
        "",
    );
}

#[test]
fn json_spelling() {
    check(
        r##"{"Name": "日本 😀 é", "Ctl": "tab\there\nnl \"q\" \\ \u0001 ", "Float": 1.0, "Small": 1e-07, "Big": 12345678901234567890, "Neg": -0.0, "Bool": true, "Null": null, "Empty": {}, "List": []}"##,
        OutputFormat::Json,
        None,
        "Op",
        80,
        "{\n    \"Name\": \"日本 😀 é\",\n    \"Ctl\": \"tab\\there\\nnl \\\"q\\\" \\\\ \\u0001 \u{7f}\",\n    \"Float\": 1.0,\n    \"Small\": 1e-07,\n    \"Big\": 12345678901234567890,\n    \"Neg\": -0.0,\n    \"Bool\": true,\n    \"Null\": null,\n    \"Empty\": {},\n    \"List\": []\n}\n",
    );
}

#[test]
fn text_scalars_and_sections() {
    check(
        r##"{"Name": "x", "On": true, "Off": false, "Nothing": null, "Pi": 3.14, "Tags": [{"Key": "k", "Value": "v"}, {"Key": "k2"}], "Ids": ["a", "b"], "Nested": {"Inner": {"Deep": 1}}}"##,
        OutputFormat::Text,
        None,
        "Op",
        80,
        "x\tNone\tFalse\tTrue\t3.14\nIDS\ta\nIDS\tb\nINNER\t1\nTAGS\tk\tv\nTAGS\tk2\t\n",
    );
}

#[test]
fn text_top_level_list_of_scalars() {
    check(
        r##"{"Ids": ["a", "b", 3]}"##,
        OutputFormat::Text,
        Some("Ids"),
        "Op",
        80,
        "a\tb\t3\n",
    );
}

#[test]
fn table_single_row_dict() {
    check(
        r##"{"Account": "123456789012", "Arn": "arn:aws:sts::123456789012:assumed-role/Admin/alice", "UserId": "AROAEXAMPLE:alice"}"##,
        OutputFormat::Table,
        None,
        "GetCallerIdentity",
        80,
        "-------------------------------------------------------------------\n|                        GetCallerIdentity                        |\n+---------+-------------------------------------------------------+\n|  Account|  123456789012                                         |\n|  Arn    |  arn:aws:sts::123456789012:assumed-role/Admin/alice   |\n|  UserId |  AROAEXAMPLE:alice                                    |\n+---------+-------------------------------------------------------+\n",
    );
}

#[test]
fn table_wide_goes_vertical() {
    check(
        r##"{"Single": {"Alpha": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "Bravo": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "Charlie": "cccccccccccccccccccccccccccccc"}}"##,
        OutputFormat::Table,
        None,
        "Wide",
        80,
        "-------------------------------------------------\n|                     Wide                      |\n+-----------------------------------------------+\n||                   Single                    ||\n|+---------+-----------------------------------+|\n||  Alpha  |  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa   ||\n||  Bravo  |  bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb   ||\n||  Charlie|  cccccccccccccccccccccccccccccc   ||\n|+---------+-----------------------------------+|\n",
    );
}

#[test]
fn table_wide_fits_at_160() {
    check(
        r##"{"Single": {"Alpha": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "Bravo": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "Charlie": "cccccccccccccccccccccccccccccc"}}"##,
        OutputFormat::Table,
        None,
        "Wide",
        160,
        "----------------------------------------------------------------------------------------------------------\n|                                                  Wide                                                  |\n+--------------------------------------------------------------------------------------------------------+\n||                                                Single                                                ||\n|+--------------------------------+----------------------------------+----------------------------------+|\n||              Alpha             |              Bravo               |             Charlie              ||\n|+--------------------------------+----------------------------------+----------------------------------+|\n||  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|  bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb  |  cccccccccccccccccccccccccccccc  ||\n|+--------------------------------+----------------------------------+----------------------------------+|\n",
    );
}

#[test]
fn table_list_of_dicts() {
    check(
        r##"{"Items": [{"Id": 1, "Name": "one", "On": true}, {"Id": 22, "Name": "twenty-two"}]}"##,
        OutputFormat::Table,
        None,
        "ListItems",
        80,
        "--------------------------------\n|           ListItems          |\n+------------------------------+\n||            Items           ||\n|+----+--------------+--------+|\n|| Id |    Name      |  On    ||\n|+----+--------------+--------+|\n||  1 |  one         |  True  ||\n||  22|  twenty-two  |        ||\n|+----+--------------+--------+|\n",
    );
}

#[test]
fn table_cjk_width() {
    check(
        r##"{"Items": [{"名前": "りんご", "n": 1}]}"##,
        OutputFormat::Table,
        None,
        "商品",
        80,
        "-------------------\n|      商品       |\n+-----------------+\n||     Items     ||\n|+----+----------+|\n||  n |  名前    ||\n|+----+----------+|\n||  1 |  りんご  ||\n|+----+----------+|\n",
    );
}

#[test]
fn yaml_quoting() {
    check(
        r##"{"Strings": ["yes", "true", "123", "1.5", "2024-01-01", "2024-01-01T10:00:00+00:00", "", "null", "a: b", "- x", "#x", "x #y", " lead", "trail ", "tab\t", "line\nbreak", "it's", "😀", "é", "ok"]}"##,
        OutputFormat::Yaml,
        None,
        "Op",
        80,
        "Strings:\n- yes\n- 'true'\n- '123'\n- '1.5'\n- '2024-01-01'\n- '2024-01-01T10:00:00+00:00'\n- ''\n- 'null'\n- 'a: b'\n- '- x'\n- '#x'\n- 'x #y'\n- ' lead'\n- 'trail '\n- \"tab\\t\"\n- 'line\n\n  break'\n- it's\n- \"\\U0001F600\"\n- é\n- ok\n",
    );
}

#[test]
fn yaml_sorted_keys_and_nesting() {
    check(
        r##"{"b": [{"y": 1, "x": [1, [2, 3]]}], "a": {}, "c": [], "B": null, "d": 1.0}"##,
        OutputFormat::Yaml,
        None,
        "Op",
        80,
        "B: null\na: {}\nb:\n- x:\n  - 1\n  - - 2\n    - 3\n  y: 1\nc: []\nd: 1.0\n",
    );
}

#[test]
fn yaml_folding() {
    check(
        r##"{"Long": "word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word ", "Quoted": "*word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word end"}"##,
        OutputFormat::Yaml,
        None,
        "Op",
        80,
        "Long: 'word word word word word word word word word word word word word word word\n  word word word word word word word word word word word word word word word '\nQuoted: '*word word word word word word word word word word word word word word word\n  word word word word word word word word word word word word word word word end'\n",
    );
}

#[test]
fn yaml_stream_wraps_in_a_list() {
    check(
        r##"{"TableNames": ["MyTable"]}"##,
        OutputFormat::YamlStream,
        None,
        "ListTables",
        80,
        "- TableNames:\n  - MyTable\n",
    );
}

#[test]
fn response_metadata_is_dropped() {
    check(
        r##"{"ResponseMetadata": {"RequestId": "r"}, "Status": "OK"}"##,
        OutputFormat::Json,
        None,
        "Op",
        80,
        "{\n    \"Status\": \"OK\"\n}\n",
    );
}

#[test]
fn deprecated_backtick_literal() {
    check(
        r##"{"Items": [{"State": "running", "Id": "i-1"}, {"State": "stopped", "Id": "i-2"}]}"##,
        OutputFormat::Json,
        Some("Items[?State==`running`].Id"),
        "Op",
        80,
        "[\n    \"i-1\"\n]\n",
    );
}

#[test]
fn multiselect_hash_keeps_its_order() {
    check(
        r##"{"b": 2, "a": 1}"##,
        OutputFormat::Json,
        Some("{z: b, a: a, m: `{\"y\": 1, \"x\": 2}`}"),
        "Op",
        80,
        "{\n    \"z\": 2,\n    \"a\": 1,\n    \"m\": {\n        \"y\": 1,\n        \"x\": 2\n    }\n}\n",
    );
}

#[test]
fn functions_keep_python_numbers() {
    check(
        r##"{"n": [1, 2, 3], "f": [1.5, 2.5]}"##,
        OutputFormat::Json,
        Some("[length(n), sum(n), avg(n), sum(f), ceil(`2.1`), floor(`-2.1`), abs(`-3`), max(f)]"),
        "Op",
        80,
        "[\n    3,\n    6,\n    2.0,\n    4.0,\n    3,\n    -3,\n    3,\n    2.5\n]\n",
    );
}
