" SDL (streamc) files. `set filetype` rather than `setfiletype` so this wins
" over Vim's built-in *.sdl detection (a different language with the same name).
autocmd BufRead,BufNewFile *.sdl set filetype=sdl
