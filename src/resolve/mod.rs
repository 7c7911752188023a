//! Name resolution: gathers the declarations of all files into one [`Model`],
//! reports duplicate and unknown names (with did-you-mean), attributes used in
//! the wrong kind of declaration, and words outside the method's vocabularies.

mod attributes;
mod declare;
mod references;

use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::model::Model;

/// Builds the model of all files and checks every name in it.
pub fn resolve(files: Vec<ast::File>, diags: &mut Vec<Diagnostic>) -> Model {
    let mut model = declare::declare(files, diags);
    attributes::check_attributes(&mut model, diags);
    references::check_references(&model, diags);
    model
}
