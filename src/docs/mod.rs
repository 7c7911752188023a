//! Documentation for stakeholders, generated from a checked model: an HTML
//! site and a Markdown page, in English or Dutch, rendered by templates from
//! one content model (`view::Site`), so both formats show the same content.

mod content;
mod describe;
mod html;
mod i18n;
mod markdown;
mod svg;
mod templates;
mod view;

pub use content::Site;
pub use html::{html, html_pages};
pub use i18n::Lang;
pub use markdown::markdown;
pub use templates::RenderError;
pub use view::site;
