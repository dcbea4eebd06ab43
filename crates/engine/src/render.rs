//! Formatting a result for `--output` and `--query`, as the AWS CLI prints it.

use serde_json::Value;

/// The text the AWS CLI prints for a result of `operation`.
pub fn render(
    v: &Value,
    output: Option<&str>,
    query: Option<&str>,
    operation: &str,
) -> Result<String, String> {
    let format: cli_output::OutputFormat = output
        .unwrap_or("json")
        .parse()
        .map_err(|e: cli_output::OutputError| e.to_string())?;
    cli_output::render_with_title(v, format, query, operation)
        .map(|s| s.trim_end_matches('\n').to_string())
        .map_err(|e| e.to_string())
}

/// Renders a result; a paginated operation's `text` and `yaml-stream` output goes page by page,
/// as the AWS CLI prints them.
pub fn render_paged(
    model: &awsmodel::ServiceModel,
    op: &awsmodel::Operation,
    v: &Value,
    resume_token: Option<&str>,
    output: Option<&str>,
    query: Option<&str>,
) -> Result<String, String> {
    let format: cli_output::OutputFormat = output
        .unwrap_or("json")
        .parse()
        .map_err(|e: cli_output::OutputError| e.to_string())?;
    let per_page = matches!(
        format,
        cli_output::OutputFormat::Text | cli_output::OutputFormat::YamlStream
    );
    match model.paginators.get(&op.name).filter(|_| per_page) {
        Some(p) => {
            let result_keys: Vec<&str> = p.result_key.iter().map(String::as_str).collect();
            let non_aggregate_keys: Vec<&str> =
                p.non_aggregate_keys.iter().map(String::as_str).collect();
            let paging = cli_output::Paging {
                result_keys: &result_keys,
                non_aggregate_keys: &non_aggregate_keys,
                resume_token,
            };
            cli_output::render_pages(std::slice::from_ref(v), format, query, &paging)
                .map(|s| s.trim_end_matches('\n').to_string())
                .map_err(|e| e.to_string())
        }
        None => render(v, output, query, &op.name),
    }
}
