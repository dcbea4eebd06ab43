//! A member's serialization traits: botocore merges the traits of the shape with those of
//! the reference to it (the reference wins), and every protocol reads them the same way.

use awsmodel::{ServiceModel, Shape, ShapeRef};

/// The traits of one member (or of an operation's input or output).
#[derive(Debug, Clone, Copy)]
pub struct Member<'m> {
    pub shape: &'m Shape,
    pub r: &'m ShapeRef,
}

impl<'m> Member<'m> {
    /// The member behind a reference, if the model has its shape.
    pub fn of(model: &'m ServiceModel, r: &'m ShapeRef) -> Option<Member<'m>> {
        model.shape(&r.shape).map(|shape| Member { shape, r })
    }
    /// The wire name (`locationName`), if any.
    pub fn name(&self) -> Option<&'m str> {
        self.r
            .location_name
            .as_deref()
            .or(self.shape.location_name.as_deref())
    }
    pub fn flattened(&self) -> bool {
        self.r.flattened || self.shape.flattened
    }
    pub fn timestamp_format(&self) -> Option<&'m str> {
        self.r
            .timestamp_format
            .as_deref()
            .or(self.shape.timestamp_format.as_deref())
    }
    pub fn xml_namespace(&self) -> Option<&'m serde_json::Value> {
        self.r
            .xml_namespace
            .as_deref()
            .or(self.shape.xml_namespace.as_deref())
    }
    pub fn location(&self) -> Option<&'m str> {
        self.r.location.as_deref()
    }
}

/// botocore's placeholder references for list members, map keys and values.
pub fn child<'m>(model: &'m ServiceModel, r: Option<&'m ShapeRef>) -> Option<Member<'m>> {
    r.and_then(|r| Member::of(model, r))
}
