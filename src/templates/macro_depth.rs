//! A bound on how deep template macros call each other.
//!
//! A macro may call itself (a tree of sections is drawn that way), and a
//! wrong stopping condition then recurses until the stack runs out, which
//! aborts the process: a build dies without a message and serve stops
//! serving. Tera has no such bound, so one is added to the parsed
//! templates: every macro gets a hidden argument counting the calls above
//! it, every call made inside a macro passes it on plus one, and a macro
//! called past [`MAX_MACRO_DEPTH`] stops the render with an error naming
//! it. Calls from outside a macro start at zero (the argument's default).
//!
//! The syntax tree is Tera's (`tera::ast`), which Tera keeps public but
//! may change in a minor version; the tests below fail if it does.

use std::collections::HashMap;

use tera::Tera;
use tera::ast::{
    Expr, ExprVal, FunctionCall, If, LogicExpr, LogicOperator, MathExpr, MathOperator, Node, WS,
};

/// How deep macros may call each other. Real templates nest a few levels
/// (one per level of the section tree); the stack of any rendering thread
/// holds several hundred.
pub const MAX_MACRO_DEPTH: i64 = 200;

/// The hidden argument; a name no template would choose.
const DEPTH: &str = "__rolebook_macro_depth";

/// Adds the depth bound to every macro of every template of `tera`.
/// Applying it twice changes nothing.
pub fn bound(tera: &mut Tera) {
    for template in tera.templates.values_mut() {
        for (name, definition) in &mut template.macros {
            if definition.args.contains_key(DEPTH) {
                continue;
            }
            definition
                .args
                .insert(DEPTH.to_string(), Some(Expr::new(ExprVal::Int(0))));
            pass_depth(&mut definition.body);
            definition.body.insert(0, guard(&template.name, name));
        }
    }
}

/// `{% if DEPTH > MAX %}{{ throw(message="...") }}{% endif %}`
fn guard(template: &str, name: &str) -> Node {
    let too_deep = Expr::new(ExprVal::Logic(LogicExpr {
        lhs: Box::new(Expr::new(ExprVal::Ident(DEPTH.to_string()))),
        rhs: Box::new(Expr::new(ExprVal::Int(MAX_MACRO_DEPTH))),
        operator: LogicOperator::Gt,
    }));
    let message = format!(
        "macro `{name}` of {template} is called more than {MAX_MACRO_DEPTH} levels deep: \
         a macro that calls itself needs a condition that stops it"
    );
    let throw = Expr::new(ExprVal::FunctionCall(FunctionCall {
        name: "throw".to_string(),
        args: HashMap::from([("message".to_string(), Expr::new(ExprVal::String(message)))]),
    }));
    Node::If(
        If {
            conditions: vec![(
                WS::default(),
                too_deep,
                vec![Node::VariableBlock(WS::default(), throw)],
            )],
            otherwise: None,
        },
        WS::default(),
    )
}

/// Makes every macro call in `nodes` pass the depth on, plus one.
fn pass_depth(nodes: &mut [Node]) {
    for node in nodes {
        match node {
            Node::VariableBlock(_, expr) => in_expr(expr),
            Node::Set(_, set) => in_expr(&mut set.value),
            Node::FilterSection(_, section, _) => {
                in_call(&mut section.filter);
                pass_depth(&mut section.body);
            }
            Node::Block(_, block, _) => pass_depth(&mut block.body),
            Node::Forloop(_, forloop, _) => {
                in_expr(&mut forloop.container);
                pass_depth(&mut forloop.body);
                if let Some(body) = &mut forloop.empty_body {
                    pass_depth(body);
                }
            }
            Node::If(branches, _) => {
                for (_, condition, body) in &mut branches.conditions {
                    in_expr(condition);
                    pass_depth(body);
                }
                if let Some((_, body)) = &mut branches.otherwise {
                    pass_depth(body);
                }
            }
            Node::MacroDefinition(..)
            | Node::Super
            | Node::Text(_)
            | Node::Extends(..)
            | Node::Include(..)
            | Node::ImportMacro(..)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..) => {}
        }
    }
}

fn in_expr(expr: &mut Expr) {
    for filter in &mut expr.filters {
        in_call(filter);
    }
    match &mut expr.val {
        ExprVal::MacroCall(call) => {
            for arg in call.args.values_mut() {
                in_expr(arg);
            }
            let next = Expr::new(ExprVal::Math(MathExpr {
                lhs: Box::new(Expr::new(ExprVal::Ident(DEPTH.to_string()))),
                rhs: Box::new(Expr::new(ExprVal::Int(1))),
                operator: MathOperator::Add,
            }));
            call.args.insert(DEPTH.to_string(), next);
        }
        ExprVal::FunctionCall(call) => in_call(call),
        ExprVal::Math(math) => {
            in_expr(&mut math.lhs);
            in_expr(&mut math.rhs);
        }
        ExprVal::Logic(logic) => {
            in_expr(&mut logic.lhs);
            in_expr(&mut logic.rhs);
        }
        ExprVal::In(inside) => {
            in_expr(&mut inside.lhs);
            in_expr(&mut inside.rhs);
        }
        ExprVal::Test(test) => test.args.iter_mut().for_each(in_expr),
        ExprVal::Array(items) => items.iter_mut().for_each(in_expr),
        ExprVal::String(_)
        | ExprVal::Int(_)
        | ExprVal::Float(_)
        | ExprVal::Bool(_)
        | ExprVal::Ident(_)
        | ExprVal::StringConcat(_) => {}
    }
}

fn in_call(call: &mut FunctionCall) {
    call.args.values_mut().for_each(in_expr);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(templates: &[(&str, &str)], name: &str) -> Result<String, String> {
        let mut tera = Tera::default();
        tera.add_raw_templates(templates.iter().copied())
            .map_err(|e| e.to_string())?;
        bound(&mut tera);
        bound(&mut tera);
        tera.render(name, &tera::Context::new()).map_err(|e| {
            let mut chain = vec![e.to_string()];
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                chain.push(s.to_string());
                source = s.source();
            }
            chain.join(" / ")
        })
    }

    #[test]
    fn a_macro_that_never_stops_is_an_error_not_a_crash() {
        let err = render(
            &[
                (
                    "m.html",
                    "{% macro down(n) %}{{ self::down(n=n+1) }}{% endmacro down %}",
                ),
                (
                    "page.html",
                    "{% import \"m.html\" as m %}{{ m::down(n=1) }}",
                ),
            ],
            "page.html",
        )
        .expect_err("stopped");
        assert!(
            err.contains("macro `down` of m.html is called more than 200 levels deep"),
            "{err}"
        );
    }

    #[test]
    fn macros_calling_each_other_in_a_loop_are_stopped_too() {
        let err = render(
            &[
                (
                    "m.html",
                    "{% macro a() %}{% for i in [1] %}{{ self::b() | upper }}{% endfor %}{% endmacro a %}\
                     {% macro b() %}{% set x = self::a() %}{{ x }}{% endmacro b %}",
                ),
                ("page.html", "{% import \"m.html\" as m %}{{ m::a() }}"),
            ],
            "page.html",
        )
        .expect_err("stopped");
        assert!(err.contains("levels deep"), "{err}");
    }

    #[test]
    fn recursion_that_stops_renders_as_before() {
        let tree = "{% macro down(n, stop=3) %}<{{ n }}>{% if n < stop %}{{ self::down(n=n+1, stop=stop) }}{% endif %}{% endmacro down %}";
        let html = render(
            &[
                ("m.html", tree),
                ("page.html", "{% import \"m.html\" as m %}{{ m::down(n=1) }}|{{ m::down(n=1, stop=150) | length }}"),
            ],
            "page.html",
        )
        .expect("renders");
        let deep: String = (1..=150).map(|n| format!("<{n}>")).collect();
        assert_eq!(html, format!("<1><2><3>|{}", deep.len()));
    }
}
