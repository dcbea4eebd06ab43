//! Names as the AWS CLI spells them.

/// The CLI's renames of botocore service folders (`aws s3api` drives the `s3` model).
const SERVICE_RENAMES: &[(&str, &str)] = &[
    ("s3", "s3api"),
    ("config", "configservice"),
    ("codedeploy", "deploy"),
];

/// Words the AWS CLI keeps whole although their capitals would split them
/// (`ExecutePartiQLStatement` → `execute-partiql-statement`).
const WHOLE_WORDS: &[(&str, &str)] = &[
    ("iSCSI", "Iscsi"),
    ("HITs", "Hits"),
    ("PartiQL", "Partiql"),
    ("OAuth2", "Oauth2"),
    ("WhatsApp", "Whatsapp"),
];

/// The CLI name of a botocore service folder.
pub fn cli_name_for_service(model_name: &str) -> &str {
    SERVICE_RENAMES
        .iter()
        .find(|(m, _)| *m == model_name)
        .map(|(_, c)| *c)
        .unwrap_or(model_name)
}

/// The botocore service folder for a CLI service name (also accepts the model's own name
/// and the CLI's legacy `runtime.sagemaker` alias).
pub fn model_name_for_cli(cli_name: &str) -> &str {
    if cli_name == "runtime.sagemaker" {
        return "sagemaker-runtime";
    }
    SERVICE_RENAMES
        .iter()
        .find(|(_, c)| *c == cli_name)
        .map(|(m, _)| *m)
        .unwrap_or(cli_name)
}

/// botocore's `xform_name(name, '-')`: `DescribeDBInstances` → `describe-db-instances`,
/// `GatewayARNs` → `gateway-arns`. Names that already contain `-` are returned unchanged.
pub fn xform_name(name: &str) -> String {
    if name.contains('-') {
        return name.to_string();
    }
    let mut name = name.to_string();
    for (word, whole) in WHOLE_WORDS {
        if name.contains(word) {
            name = name.replace(word, whole);
        }
    }
    let mut chars: Vec<char> = name.chars().collect();
    // A pluralised acronym at the end (ARNs, ACLs, CNAMEs) is split off whole.
    let mut n_upper = 0;
    if chars.len() >= 3 && chars[chars.len() - 1] == 's' {
        let mut i = chars.len() - 1;
        while i > 0 && chars[i - 1].is_ascii_uppercase() {
            i -= 1;
            n_upper += 1;
        }
    }
    if n_upper >= 2 {
        let start = chars.len() - 1 - n_upper;
        let tail: Vec<char> = chars[start..]
            .iter()
            .map(|c| c.to_ascii_lowercase())
            .collect();
        chars.truncate(start);
        chars.push('-');
        chars.extend(tail);
    }
    let s1 = first_cap_pass(&chars);
    let s2 = end_cap_pass(&s1);
    s2.into_iter().collect::<String>().to_lowercase()
}

/// `(.)([A-Z][a-z]+)` → `\1-\2`, left to right without overlap, as Python's `re.sub`.
fn first_cap_pass(c: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(c.len() + 8);
    let mut i = 0;
    while i < c.len() {
        // try a match starting at i: c[i] is any char, c[i+1] upper, c[i+2..] lower+
        if i + 2 < c.len() && c[i + 1].is_ascii_uppercase() && c[i + 2].is_ascii_lowercase() {
            let mut j = i + 3;
            while j < c.len() && c[j].is_ascii_lowercase() {
                j += 1;
            }
            out.push(c[i]);
            out.push('-');
            out.extend_from_slice(&c[i + 1..j]);
            i = j;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// `([a-z0-9])([A-Z])` → `\1-\2`, left to right without overlap.
fn end_cap_pass(c: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(c.len() + 8);
    let mut i = 0;
    while i < c.len() {
        if i + 1 < c.len()
            && (c[i].is_ascii_lowercase() || c[i].is_ascii_digit())
            && c[i + 1].is_ascii_uppercase()
        {
            out.push(c[i]);
            out.push('-');
            out.push(c[i + 1]);
            i += 2;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transforms_like_botocore() {
        for (a, b) in [
            ("DescribeDBInstances", "describe-db-instances"),
            ("ListFunctions", "list-functions"),
            ("GetFunction", "get-function"),
            ("ListWebACLs", "list-web-acls"),
            ("GatewayARNs", "gateway-arns"),
            ("Ec2TagFilters", "ec2-tag-filters"),
            ("S3Location", "s3-location"),
            ("FunctionName", "function-name"),
            ("DryRun", "dry-run"),
            ("MaxResults", "max-results"),
            ("CreateCachediSCSIVolume", "create-cached-iscsi-volume"),
            ("already-done", "already-done"),
            ("PutBucketACL", "put-bucket-acl"),
            ("ExecutePartiQLStatement", "execute-partiql-statement"),
            ("CreateOAuth2TokenWithIAM", "create-oauth2-token-with-iam"),
            (
                "ListHITsForQualificationType",
                "list-hits-for-qualification-type",
            ),
            (
                "DeleteWhatsAppMessageMedia",
                "delete-whatsapp-message-media",
            ),
        ] {
            assert_eq!(xform_name(a), b, "{a}");
        }
    }
}
