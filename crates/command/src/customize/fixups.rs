//! Rewrites the AWS CLI makes to the finished parameters just before a call.

use serde_json::{json, Map, Value};

/// Applies the rewrites of one operation, in place.
pub(crate) fn finish(service: &str, op_cli: &str, params: &mut Map<String, Value>) {
    match (service, op_cli) {
        ("ec2", "create-network-acl-entry" | "replace-network-acl-entry") => {
            acl_protocol_number(params)
        }
        ("ec2", "run-instances") => move_to_network_interface(params),
        _ => {}
    }
}

/// Network ACL entries take protocol numbers; the CLI also takes the names.
fn acl_protocol_number(params: &mut Map<String, Value>) {
    let number = match params.get("Protocol").and_then(Value::as_str) {
        Some("tcp") => "6",
        Some("udp") => "17",
        Some("icmp") => "1",
        Some("all") => "-1",
        _ => return,
    };
    params.insert("Protocol".into(), json!(number));
}

/// When the first network interface carries the simple options' settings (secondary
/// addresses, their count, a public address), AWS wants the subnet, groups and addresses
/// on that interface rather than on the instance: the CLI moves them there.
fn move_to_network_interface(params: &mut Map<String, Value>) {
    let carries = params
        .get("NetworkInterfaces")
        .and_then(|l| l.get(0))
        .and_then(Value::as_object)
        .is_some_and(|i| {
            [
                "PrivateIpAddresses",
                "SecondaryPrivateIpAddressCount",
                "AssociatePublicIpAddress",
            ]
            .iter()
            .any(|k| i.contains_key(*k))
        });
    if !carries {
        return;
    }
    let mut moved = Vec::new();
    for (from, to) in [
        ("SubnetId", "SubnetId"),
        ("SecurityGroupIds", "Groups"),
        ("PrivateIpAddress", "PrivateIpAddresses"),
        ("Ipv6AddressCount", "Ipv6AddressCount"),
        ("Ipv6Addresses", "Ipv6Addresses"),
        ("EnablePrimaryIpv6", "PrimaryIpv6"),
    ] {
        if let Some(v) = params.remove(from) {
            let v = if from == "PrivateIpAddress" {
                json!([{ "PrivateIpAddress": v, "Primary": true }])
            } else {
                v
            };
            moved.push((to, v));
        }
    }
    if let Some(interface) = params
        .get_mut("NetworkInterfaces")
        .and_then(|l| l.get_mut(0))
        .and_then(Value::as_object_mut)
    {
        for (k, v) in moved {
            interface.insert(k.to_string(), v);
        }
    }
}

/// The page size the CLI sets on its own: 1,000 for `ec2 describe-volumes` and
/// `describe-snapshots` when nothing but paging (and, for snapshots, owners) is asked.
pub(crate) fn default_page_size(
    service: &str,
    op_cli: &str,
    params: &Map<String, Value>,
    paginating: bool,
) -> Option<i64> {
    let allowed: &[&str] = match (service, op_cli) {
        ("ec2", "describe-volumes") => &[],
        ("ec2", "describe-snapshots") => &["OwnerIds", "RestorableByUserIds"],
        _ => return None,
    };
    let only_allowed = params
        .keys()
        .all(|k| allowed.contains(&k.as_str()) || matches!(k.as_str(), "NextToken" | "DryRun"));
    (paginating && only_allowed).then_some(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn acl_protocol_names_become_numbers() {
        for (name, number) in [
            ("tcp", "6"),
            ("udp", "17"),
            ("icmp", "1"),
            ("all", "-1"),
            ("58", "58"),
        ] {
            let mut p = map(json!({"Protocol": name}));
            finish("ec2", "create-network-acl-entry", &mut p);
            assert_eq!(p["Protocol"], number);
        }
        let mut p = map(json!({"Protocol": "tcp"}));
        finish("ec2", "create-security-group", &mut p);
        assert_eq!(p["Protocol"], "tcp");
    }

    #[test]
    fn instance_settings_move_onto_the_interface_only_when_it_carries_simple_options() {
        let mut p = map(json!({
            "SubnetId": "subnet-1", "SecurityGroupIds": ["sg-1"], "PrivateIpAddress": "10.0.0.5",
            "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": true}]
        }));
        finish("ec2", "run-instances", &mut p);
        assert_eq!(
            Value::Object(p),
            json!({"NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": true,
                "SubnetId": "subnet-1", "Groups": ["sg-1"],
                "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.0.5", "Primary": true}]}]})
        );
        let mut p = map(json!({"SubnetId": "subnet-1", "NetworkInterfaces": [{"DeviceIndex": 0}]}));
        finish("ec2", "run-instances", &mut p);
        assert_eq!(p["SubnetId"], "subnet-1");
    }

    #[test]
    fn default_page_sizes_only_for_plain_listings() {
        let none = Map::new();
        assert_eq!(
            default_page_size("ec2", "describe-volumes", &none, true),
            Some(1000)
        );
        assert_eq!(
            default_page_size("ec2", "describe-volumes", &none, false),
            None
        );
        let owners = map(json!({"OwnerIds": ["self"]}));
        assert_eq!(
            default_page_size("ec2", "describe-snapshots", &owners, true),
            Some(1000)
        );
        assert_eq!(
            default_page_size("ec2", "describe-volumes", &owners, true),
            None
        );
        let filters = map(json!({"Filters": []}));
        assert_eq!(
            default_page_size("ec2", "describe-snapshots", &filters, true),
            None
        );
        assert_eq!(
            default_page_size("ec2", "describe-instances", &none, true),
            None
        );
    }
}
