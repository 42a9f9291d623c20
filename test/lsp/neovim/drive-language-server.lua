-- Drives flowtracer-language-server --stdio from headless Neovim's own LSP client (nvim 0.7+, no plugins):
-- opens the flow, waits for its diagnostics, runs each request of the spec in order and writes every answer as JSON.
-- Run: FLOWTRACER_NVIM_SPEC=spec.json nvim --headless -u NONE -c 'luafile drive-language-server.lua'
local spec = vim.fn.json_decode(table.concat(vim.fn.readfile(os.getenv('FLOWTRACER_NVIM_SPEC')), '\n'))
local out = { diagnostics = vim.NIL, answers = {}, errors = {} }

local function finish()
  vim.fn.writefile({ vim.fn.json_encode(out) }, spec.output)
  vim.cmd('qa!')
end

local ok, problem = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(spec.file))
  local buffer = vim.api.nvim_get_current_buf()
  local published = nil
  local client_id = vim.lsp.start_client({
    name = 'flowtracer',
    cmd = spec.cmd,
    root_dir = vim.fn.fnamemodify(spec.file, ':h'),
    handlers = {
      ['textDocument/publishDiagnostics'] = function(_, result)
        if result.uri == vim.uri_from_fname(spec.file) then published = result end
      end,
    },
  })
  assert(client_id, 'the language server did not start')
  vim.lsp.buf_attach_client(buffer, client_id)
  local client = vim.lsp.get_client_by_id(client_id)
  assert(vim.wait(15000, function() return published ~= nil end, 20), 'no diagnostics within 15 s')
  out.diagnostics = published.diagnostics
  out.server = client.server_capabilities and client.server_capabilities.renameProvider ~= nil
  for _, request in ipairs(spec.requests) do
    local params = request.params
    params.textDocument = { uri = vim.uri_from_bufnr(buffer) }
    local answer, err = client.request_sync(request.method, params, 10000, buffer)
    if not answer then
      table.insert(out.errors, request.name .. ': ' .. tostring(err))
    elseif answer.err then
      out.answers[request.name] = { error = answer.err.message }
    else
      out.answers[request.name] = answer.result
      -- A rename is applied by Neovim itself: the buffer then reads as the user would see it.
      if request.apply then
        vim.lsp.util.apply_workspace_edit(answer.result, client.offset_encoding)
        out.answers[request.name .. ' applied'] = vim.api.nvim_buf_get_lines(buffer, 0, -1, false)
      end
    end
  end
  vim.lsp.stop_client(client_id)
end)
if not ok then table.insert(out.errors, tostring(problem)) end
finish()
