//! `chatops shell`: an interactive prompt with line editing and history that asks for
//! missing parameters one at a time, as the chat conversation does.

use crate::run::{always_denied, finish, handle, SessionArgs};
use command::{parse_line, Catalog, Parsed};
use rustyline::error::ReadlineError;
use rustyline::DefaultEditor;

pub fn shell(cat: &Catalog, args: &SessionArgs) -> i32 {
    let mut ed = match DefaultEditor::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot start the line editor: {e}");
            return crate::exit::FAILED;
        }
    };
    let history =
        std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".chatops_history"));
    if let Some(h) = &history {
        let _ = ed.load_history(h);
    }
    if let Some(url) = &args.endpoint_url {
        println!("AWS endpoint: {url}");
    }
    println!("Type an AWS CLI command (`lambda list-functions`), `help`, or `exit`.");
    let region = args.region.clone().unwrap_or_else(|| "us-east-1".into());
    loop {
        let line = match ed.readline("aws> ") {
            Ok(l) => l,
            Err(ReadlineError::Interrupted) => continue,
            Err(_) => break,
        };
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let _ = ed.add_history_entry(t);
        if matches!(t, "exit" | "quit") {
            break;
        }
        // Missing parameters are asked for one at a time.
        let reply = match parse_line(cat, t) {
            // Refused before any question is asked.
            Ok(Parsed::Call(call))
                if always_denied(cat, &call.iam.actions, &call.aliases()).is_some() =>
            {
                handle(cat, args, t)
            }
            Ok(Parsed::Call(mut call)) if !call.missing.is_empty() => {
                let mut cancelled = false;
                while let Some(m) = call.missing.first().cloned() {
                    let mut prompt = format!("{} ({})", m.option, m.type_name);
                    if !m.enum_values.is_empty() {
                        prompt.push_str(&format!(" [{}]", m.enum_values.join("|")));
                    }
                    if let Some(first) = m.doc.lines().next() {
                        println!("{first}");
                    }
                    match ed.readline(&format!("{prompt}: ")) {
                        Ok(v) if !v.trim().is_empty() => {
                            let text = format!("{} {}", m.option, v.trim());
                            if let Err(e) = call.fill(cat, &text) {
                                println!("error: {e}");
                            }
                        }
                        _ => {
                            cancelled = true;
                            break;
                        }
                    }
                }
                if cancelled {
                    println!("cancelled");
                    continue;
                }
                match confirm(&mut ed, &call, args) {
                    Some(a) => finish(cat, &call, &a, &region),
                    None => continue,
                }
            }
            Ok(Parsed::Call(call)) => match confirm(&mut ed, &call, args) {
                Some(a) => finish(cat, &call, &a, &region),
                None => continue,
            },
            _ => handle(cat, args, t),
        };
        if !reply.stdout.is_empty() {
            println!("{}", reply.stdout);
        }
        if !reply.stderr.is_empty() {
            println!("{}", reply.stderr);
        }
    }
    if let Some(h) = &history {
        let _ = ed.save_history(h);
    }
    0
}

/// A write asks before it runs; the answer is the session with `--yes` set, or `None` when
/// the user declines.
fn confirm(
    ed: &mut DefaultEditor,
    call: &command::Call,
    args: &SessionArgs,
) -> Option<SessionArgs> {
    if call.iam.access != command::Access::Write
        || args.yes
        || args.dry_run
        || !call.missing.is_empty()
    {
        return Some(args.clone());
    }
    println!(
        "{} {} changes resources ({}).",
        call.service,
        call.cli_operation,
        call.iam.actions.join(", ")
    );
    match ed.readline("Run it? [y/N] ") {
        Ok(a) if matches!(a.trim().to_ascii_lowercase().as_str(), "y" | "yes" | "run") => {
            let mut a2 = args.clone();
            a2.yes = true;
            Some(a2)
        }
        _ => {
            println!("cancelled");
            None
        }
    }
}
