//! `tool-calls`: the model asks your server to run one or more tools.
//!
//! Answer it with a [`ToolCallsResponse`](crate::response::ToolCallsResponse)
//! holding one result per [`ToolCall::id`].

use serde::de::DeserializeOwned;
use serde_json::Value;

model_struct! {
    /// A `tool-calls` message: the tools the model wants run, each with the
    /// id its result must carry.
    ///
    /// Schema: `ServerMessageToolCalls` (the `type` tag is implied by the
    /// enum variant holding it).
    message ToolCalls {
        /// This is the list of tool calls that the model is requesting.
        tool_call_list: Vec<ToolCall> = "toolCallList",
        /// This is the list of tools calls that the model is requesting along
        /// with the original tool configuration.
        tool_with_tool_call_list: Vec<ToolWithToolCall> = "toolWithToolCallList",
    }
}

impl ToolCalls {
    /// The tool calls to answer: `toolCallList`, or when that is absent the
    /// calls inside `toolWithToolCallList` (Vapi sends both, same ids).
    pub fn calls(&self) -> Vec<&ToolCall> {
        match &self.tool_call_list {
            Some(list) => list.iter().collect(),
            None => self
                .tool_with_tool_call_list
                .iter()
                .flatten()
                .filter_map(|tool| tool.tool_call.as_ref())
                .collect(),
        }
    }
}

model_struct! {
    /// One call of a tool: its id (which the result must name), its type and
    /// the function with its arguments.
    ///
    /// Schema: `ToolCall`.
    ToolCall {
        /// This is the ID of the tool call.
        id: String = "id",
        /// This is the type of tool (`function` for function tools).
        r#type: String = "type",
        /// This is the function that was called.
        function: ToolCallFunction = "function",
    }
}

impl ToolCall {
    /// A call of function `name` with `arguments` (an object), under `id`.
    pub fn new(id: impl Into<String>, name: impl Into<String>, arguments: Value) -> Self {
        let function = ToolCallFunction {
            name: Some(name.into()),
            arguments: Some(arguments),
            ..ToolCallFunction::default()
        };
        ToolCall {
            id: Some(id.into()),
            r#type: Some("function".to_owned()),
            function: Some(function),
            ..ToolCall::default()
        }
    }

    /// The function's name, if sent.
    pub fn name(&self) -> Option<&str> {
        self.function.as_ref()?.name.as_deref()
    }
}

model_struct! {
    /// The function of a [`ToolCall`]: its name and arguments.
    ///
    /// Schema: `ToolCallFunction`. The spec types `arguments` as a string of
    /// JSON; Vapi sends an object. Both are kept as sent;
    /// [`ToolCallFunction::arguments_as`] reads either.
    ToolCallFunction {
        /// This is the arguments to call the function with: an object, or a
        /// string holding one.
        arguments: Value = "arguments",
        /// This is the name of the function to call.
        name: String = "name",
    }
}

impl ToolCallFunction {
    /// The arguments as `T`, from an object or from a string of JSON (absent
    /// arguments read as `{}`).
    ///
    /// ```
    /// use calltap_protocol::model::ToolCall;
    /// use serde_json::json;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Weather { city: String }
    ///
    /// let call = ToolCall::new("call_1", "get_weather", json!({"city": "Oslo"}));
    /// let args: Weather = call.function.as_ref().unwrap().arguments_as().unwrap();
    /// assert_eq!(args.city, "Oslo");
    /// ```
    pub fn arguments_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        match &self.arguments {
            Some(Value::String(text)) => serde_json::from_str(text),
            Some(value) => T::deserialize(value),
            None => T::deserialize(Value::Object(serde_json::Map::new())),
        }
    }
}

model_struct! {
    /// One entry of `toolWithToolCallList`: the tool's configuration as the
    /// assistant defines it (its `type`, the `function` definition, `server`,
    /// `messages`, ... kept in `extra`), with the call.
    ///
    /// Schemas: `FunctionToolWithToolCall` and its siblings, one per tool
    /// type; only the properties they share are typed.
    ToolWithToolCall {
        /// The type of tool (`function`, `transferCall`, ...).
        r#type: String = "type",
        /// The call of this tool.
        tool_call: ToolCall = "toolCall",
        /// This is the function definition of the tool.
        function: Value = "function",
    }
}
