/**
 * Request checks of the strict Gemini mock, after the v1beta REST reference: the fields each
 * message may have, the roles, the function-calling turn order, the OpenAPI schema subset.
 * Each check returns the error message Gemini would send (INVALID_ARGUMENT, 400), or undefined.
 */
type Json = Record<string, unknown>;

const requestKeys = new Set(['contents', 'systemInstruction', 'tools', 'toolConfig', 'safetySettings', 'generationConfig', 'cachedContent']);
const contentKeys = new Set(['role', 'parts']);
const partKeys = new Set(['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'thought', 'thoughtSignature', 'executableCode', 'codeExecutionResult', 'videoMetadata']);
const dataKeys = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult'];
const generationKeys = new Set([
  'stopSequences', 'responseMimeType', 'responseSchema', 'responseJsonSchema', 'responseModalities', 'candidateCount', 'maxOutputTokens',
  'temperature', 'topP', 'topK', 'seed', 'presencePenalty', 'frequencyPenalty', 'responseLogprobs', 'logprobs', 'enableEnhancedCivicAnswers',
  'speechConfig', 'thinkingConfig', 'mediaResolution',
]);
const schemaKeys = new Set([
  'type', 'format', 'title', 'description', 'nullable', 'enum', 'maxItems', 'minItems', 'properties', 'required', 'minProperties', 'maxProperties',
  'minLength', 'maxLength', 'pattern', 'example', 'anyOf', 'propertyOrdering', 'default', 'items', 'minimum', 'maximum',
]);
const schemaTypes = new Set(['TYPE_UNSPECIFIED', 'STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL']);
const declarationKeys = new Set(['name', 'description', 'behavior', 'parameters', 'parametersJsonSchema', 'response', 'responseJsonSchema']);
const modes = new Set(['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED']);
const mimeTypes = new Set(['text/plain', 'application/json', 'text/x.enum']);

const unknownName = (name: string, at: string): string => `Invalid JSON payload received. Unknown name "${name}" at '${at}': Cannot find field.`;

function unknownKey(obj: Json, allowed: ReadonlySet<string>, at: string): string | undefined {
  for (const key of Object.keys(obj)) if (!allowed.has(key)) return unknownName(key, at);
  return undefined;
}

export function checkSchema(schema: Json, at: string, isParameters = false): string | undefined {
  const bad = unknownKey(schema, schemaKeys, at);
  if (bad) return bad;
  // The API takes the Type enum in either case (the Vercel AI SDK sends lower case).
  const type = schema.type === undefined ? undefined : String(schema.type).toUpperCase();
  if (type !== undefined && !schemaTypes.has(type)) {
    return `Invalid value at '${at}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), "${String(schema.type)}"`;
  }
  if (schema.enum !== undefined && !(Array.isArray(schema.enum) && schema.enum.every((e) => typeof e === 'string'))) {
    return `Invalid value at '${at}.enum': only strings are allowed`;
  }
  const props = schema.properties as Json | undefined;
  if (isParameters && type === 'OBJECT' && (props === undefined || Object.keys(props).length === 0)) {
    return `* GenerateContentRequest.${at}.properties: should be non-empty for OBJECT type`;
  }
  for (const [name, sub] of Object.entries(props ?? {})) {
    const err = checkSchema(sub as Json, `${at}.properties[${name}].value`);
    if (err) return err;
  }
  for (const r of (schema.required as unknown[] | undefined) ?? []) {
    if (props === undefined || !(String(r) in props)) return `* GenerateContentRequest.${at}.required[${String(r)}]: property is not defined`;
  }
  if (schema.items !== undefined) return checkSchema(schema.items as Json, `${at}.items`);
  return undefined;
}

function checkParts(parts: unknown, at: string): string | undefined {
  if (!Array.isArray(parts) || parts.length === 0) return `* GenerateContentRequest.${at}.parts: contents.parts must not be empty.`;
  for (const [k, part] of (parts as Json[]).entries()) {
    const bad = unknownKey(part, partKeys, `${at}.parts[${k}]`);
    if (bad) return bad;
    if (dataKeys.filter((key) => part[key] !== undefined).length !== 1) return `* GenerateContentRequest.${at}.parts[${k}].data: required oneof field 'data' must have one initialized field`;
    const blob = (part.inlineData ?? part.fileData) as Json | undefined;
    if (blob !== undefined && typeof blob.mimeType !== 'string') return `* GenerateContentRequest.${at}.parts[${k}]: mimeType is required`;
    if (part.inlineData !== undefined && !/^[A-Za-z0-9+/=]*$/.test(String((part.inlineData as Json).data))) {
      return `Invalid value at '${at}.parts[${k}].inline_data.data' (TYPE_BYTES), Base64 decoding failed`;
    }
    const response = (part.functionResponse as Json | undefined)?.response;
    if (part.functionResponse !== undefined && (typeof response !== 'object' || response === null || Array.isArray(response))) {
      return `Invalid value at '${at}.parts[${k}].function_response.response' (type.googleapis.com/google.protobuf.Struct)`;
    }
  }
  return undefined;
}

/** Turn order of function calling: a call follows a user turn; responses answer the calls of the turn before. */
function checkTurns(contents: Json[]): string | undefined {
  for (const [i, c] of contents.entries()) {
    const parts = c.parts as Json[];
    const responses = parts.filter((p) => p.functionResponse !== undefined);
    if (responses.length === 0) continue;
    const previous = contents[i - 1];
    const calls = previous?.role === 'model' ? (previous.parts as Json[]).filter((p) => p.functionCall !== undefined) : [];
    if (calls.length === 0) {
      return 'Please ensure that function response turn comes immediately after a function call turn.';
    }
    if (calls.length !== responses.length) {
      return 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.';
    }
    const names = new Set(calls.map((p) => String((p.functionCall as Json).name)));
    if (!responses.every((p) => names.has(String((p.functionResponse as Json).name)))) {
      return 'Please ensure that function response names match the function call names of the function call turn.';
    }
  }
  return undefined;
}

function checkTools(body: Json): string | undefined {
  const tools = (body.tools as Json[] | undefined) ?? [];
  const names = new Set<string>();
  for (const [t, tool] of tools.entries()) {
    for (const [d, decl] of ((tool.functionDeclarations as Json[] | undefined) ?? []).entries()) {
      const at = `tools[${t}].function_declarations[${d}]`;
      const bad = unknownKey(decl, declarationKeys, at);
      if (bad) return bad;
      if (typeof decl.name !== 'string' || !/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/.test(decl.name)) return `* GenerateContentRequest.${at}.name: Invalid function name.`;
      names.add(decl.name);
      if (decl.parameters !== undefined) {
        const err = checkSchema(decl.parameters as Json, `${at}.parameters`, true);
        if (err) return err;
      }
    }
  }
  const config = (body.toolConfig as Json | undefined)?.functionCallingConfig as Json | undefined;
  if (config !== undefined) {
    if (config.mode !== undefined && !modes.has(String(config.mode))) return `Invalid value at 'tool_config.function_calling_config.mode', "${String(config.mode)}"`;
    const allowed = config.allowedFunctionNames as string[] | undefined;
    if (allowed !== undefined && config.mode !== 'ANY' && config.mode !== 'VALIDATED') {
      return '* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: only allowed when mode is ANY or VALIDATED.';
    }
    for (const name of allowed ?? []) if (!names.has(name)) return `* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: function ${name} is not declared.`;
  }
  return undefined;
}

function checkGeneration(config: Json | undefined): string | undefined {
  if (config === undefined) return undefined;
  const bad = unknownKey(config, generationKeys, 'generation_config');
  if (bad) return bad;
  if (config.responseMimeType !== undefined && !mimeTypes.has(String(config.responseMimeType))) {
    return `* GenerateContentRequest.generation_config.response_mime_type: allowed mimetypes are \`text/plain\`, \`application/json\`, and \`text/x.enum\`.`;
  }
  const n = config.candidateCount;
  if (n !== undefined && (typeof n !== 'number' || n < 1 || n > 8)) return '* GenerateContentRequest.generation_config.candidate_count: must be in [1, 8].';
  if (config.responseSchema === undefined) return undefined;
  if (config.responseMimeType !== 'application/json') return '* GenerateContentRequest.generation_config.response_schema: response_mime_type must be application/json.';
  return checkSchema(config.responseSchema as Json, 'generation_config.response_schema');
}

/** Every check of a generateContent body, in the order Gemini reports them. */
export function checkGenerate(body: Json): string | undefined {
  const bad = unknownKey(body, requestKeys, '');
  if (bad) return bad;
  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0) return '* GenerateContentRequest.contents: contents is not specified';
  for (const [i, c] of (contents as Json[]).entries()) {
    const err = unknownKey(c, contentKeys, `contents[${i}]`) ?? checkParts(c.parts, `contents[${i}]`);
    if (err) return err;
    if (c.role !== 'user' && c.role !== 'model') return `Please use a valid role: user, model.`;
  }
  const system = body.systemInstruction as Json | undefined;
  if (system !== undefined) {
    const err = unknownKey(system, contentKeys, 'system_instruction') ?? checkParts(system.parts, 'system_instruction');
    if (err) return err;
  }
  return checkTurns(contents as Json[]) ?? checkTools(body) ?? checkGeneration(body.generationConfig as Json | undefined);
}
