//! `chatops shell`: an interactive prompt with line editing and history, typing into the
//! same conversation as chat: the engine's questions (missing parameters, the account) are
//! asked here one at a time, and a write asks Run? before it runs.

use crate::terminal::{one_of, printed, with_terminal, Printed, SessionArgs, Terminal};
use command::Catalog;
use engine::message::ActionId;
use engine::{Outcome, Question};
use rustyline::error::ReadlineError;
use rustyline::DefaultEditor;

pub fn shell(cat: Catalog, args: &SessionArgs) -> i32 {
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
    let ended = with_terminal(cat, args, |cat, term| async move {
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
            if args.dry_run {
                show(&crate::dry_run::dry_run(&cat, &term, args.config.is_some(), t).await);
                continue;
            }
            converse(&mut ed, &term, t, args.yes).await;
        }
        if let Some(h) = &history {
            let _ = ed.save_history(h);
        }
        Printed::error(String::new(), crate::exit::OK)
    });
    show(&ended);
    ended.code
}

/// One command, with its questions and confirmation, until the engine has no more to ask.
async fn converse(ed: &mut DefaultEditor, term: &Terminal, line: &str, yes: bool) {
    let thread = term.new_thread();
    let mut reply = term.type_line(&thread, line).await;
    let mut asked: Option<(String, Box<Question>)> = None;
    loop {
        if let Some(r) = term.answer_account(&thread, &reply).await {
            reply = r;
            continue;
        }
        match reply.outcome.clone() {
            Some(Outcome::Asked { pending, question }) => {
                asked = Some((pending.clone(), question.clone()));
                match ask(ed, &question) {
                    Some(answer) => reply = term.type_line(&thread, &answer).await,
                    None => reply = term.press(&thread, ActionId::CANCEL, &pending).await,
                }
            }
            // A bad answer: say why and ask again.
            Some(Outcome::Invalid { message }) if asked.is_some() => {
                println!("error: {message}");
                let Some((pending, question)) = asked.clone() else {
                    return;
                };
                match ask(ed, &question) {
                    Some(answer) => reply = term.type_line(&thread, &answer).await,
                    None => reply = term.press(&thread, ActionId::CANCEL, &pending).await,
                }
            }
            Some(Outcome::AwaitingRun { pending, call }) => {
                let run = yes
                    || {
                        println!(
                            "{} {} changes resources ({}{}).",
                            call.service,
                            call.cli_operation,
                            call.iam.actions.join(", "),
                            call.iam.unknown_note()
                        );
                        matches!(ed.readline("Run it? [y/N] "), Ok(a) if matches!(a.trim().to_ascii_lowercase().as_str(), "y" | "yes" | "run"))
                    };
                let action = if run { ActionId::RUN } else { ActionId::CANCEL };
                reply = term.press(&thread, action, &pending).await;
            }
            _ => return show(&printed(&reply)),
        }
        if matches!(reply.outcome, Some(Outcome::Cancelled)) {
            println!("cancelled");
            return;
        }
    }
}

/// Asks one question; `None` when the user gives no answer (the command is cancelled).
fn ask(ed: &mut DefaultEditor, q: &Question) -> Option<String> {
    if !q.doc.is_empty() {
        println!("{}", q.doc);
    }
    let mut prompt = format!(
        "{} ({})",
        q.parameter.trim_start_matches(['@', '$']),
        q.type_name
    );
    if !q.choices.is_empty() && q.choices.len() <= 10 {
        prompt.push_str(&format!(" [{}]", q.choices.join("|")));
    } else if !q.choices.is_empty() {
        println!("{}", one_of(&q.choices).trim_start());
    }
    match ed.readline(&format!("{prompt}: ")) {
        Ok(v) if !v.trim().is_empty() => Some(v.trim().to_string()),
        _ => None,
    }
}

fn show(p: &Printed) {
    if !p.stdout.is_empty() {
        println!("{}", p.stdout);
    }
    if !p.stderr.is_empty() {
        println!("{}", p.stderr);
    }
}
