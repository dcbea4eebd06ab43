//! An option the AWS CLI adds by hand to one operation (`ses send-email --to a b`,
//! `eks list-clusters --include-all`): its values are kept as given, and
//! [`customize::apply`](crate::customize::apply) builds the members from them at the end.

use super::cursor::{Cursor, Given};
use super::low::LowArgs;
use crate::customize::{Arity, ExtraOption};
use crate::error::CommandError;

pub(super) fn update(
    extra: &'static ExtraOption,
    given: &Given,
    words: &mut Cursor,
    low: &mut LowArgs,
) -> Result<(), CommandError> {
    let name = &given.name;
    let mut vals: Vec<String> = Vec::new();
    match extra.arity {
        Arity::Many | Arity::AnyNumber => {
            vals.extend(given.inline.map(str::to_string));
            vals.extend(words.values());
            if vals.is_empty() && extra.arity == Arity::Many {
                return Err(CommandError::invalid(format!(
                    "--{name} needs at least one value"
                )));
            }
        }
        Arity::One => vals.push(words.value(given)?),
        Arity::Flag => {
            if given.inline.is_some() {
                return Err(CommandError::invalid(format!("--{name} takes no value")));
            }
        }
    }
    low.extras.push((extra.name, vals));
    Ok(())
}
