import { cutEcho, invalidParam, type ChatCompletionTool, type ChatCompletionToolChoiceOption } from 'switchyard';
import { notTranslatable } from './content.ts';
import { arrayAt, objectAt, oneOf, optionalBoolean, optionalString, stringAt } from './fields.ts';

/** `tools` → function tools. Anthropic's server and versioned tools (`web_search_…`, `bash_…`) run at Anthropic only: refused. */
export function chatTools(tools: unknown, param = 'tools'): ChatCompletionTool[] {
  return arrayAt(tools, param).map((t, i) => {
    const at = `${param}[${i}]`;
    const tool = objectAt(t, at);
    if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') {
      throw notTranslatable(`${at}.type`, `tool type '${cutEcho(String(tool.type))}' is only available on Anthropic deployments`);
    }
    const name = stringAt(tool.name, `${at}.name`);
    const schema = objectAt(tool.input_schema, `${at}.input_schema`);
    const description = optionalString(tool.description, `${at}.description`);
    const strict = optionalBoolean(tool.strict, `${at}.strict`);
    return {
      type: 'function',
      function: {
        name,
        ...(description === undefined ? {} : { description }),
        parameters: schema,
        ...(strict === undefined ? {} : { strict }),
      },
    };
  });
}

export interface ToolChoiceSettings {
  tool_choice?: ChatCompletionToolChoiceOption;
  parallel_tool_calls?: false;
}

/**
 * `tool_choice` → chat's: auto → auto, any → required, tool → that function, none → none;
 * `disable_parallel_tool_use` → `parallel_tool_calls: false`. Without tools, `auto` and `none`
 * mean nothing and are left out (chat servers reject a tool_choice without tools); `any` and
 * `tool` ask for a call that cannot happen: 400.
 */
export function chatToolChoice(choice: unknown, hasTools: boolean, param = 'tool_choice'): ToolChoiceSettings {
  if (choice === undefined || choice === null) return {};
  const c = objectAt(choice, param);
  const type = oneOf(c.type, ['auto', 'any', 'tool', 'none'], `${param}.type`);
  const noParallel = type !== 'none' && optionalBoolean(c.disable_parallel_tool_use, `${param}.disable_parallel_tool_use`) === true;
  const name = type === 'tool' ? stringAt(c.name, `${param}.name`) : undefined;
  if (!hasTools) {
    if (type === 'auto' || type === 'none') return {};
    throw invalidParam(`${param}.type`, `'${param}.type' '${type}' needs 'tools'`);
  }
  const parallel: ToolChoiceSettings = noParallel ? { parallel_tool_calls: false } : {};
  switch (type) {
    case 'auto':
      return { tool_choice: 'auto', ...parallel };
    case 'any':
      return { tool_choice: 'required', ...parallel };
    case 'none':
      return { tool_choice: 'none' };
    case 'tool':
      return { tool_choice: { type: 'function', function: { name: name as string } }, ...parallel };
  }
}
