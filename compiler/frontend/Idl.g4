// The IDL grammar: Microsoft's MIDL, DCE 1.1 IDL (C706) and Samba pidl's extensions, as real
// files are written, after the C preprocessor has run.
//
// Design notes:
// - Keywords are kept to the few that decide the shape of a declaration. Attribute names are not
//   keywords (`[in, size_is(n)]` are identifiers), and words that are keywords only in one place
//   (`pipe`, `bitmap`, `module`, `library`, ...) are also accepted as names through `ident`/`name`.
// - Only structure is decided here. Which attribute takes which kind of argument, which spellings
//   name built-in types, and everything about meaning is left to the AST builder and sema.
// - Nesting depth is bounded before parsing (parser.cpp), so the recursive rules cannot exhaust
//   the stack on hostile input.
grammar Idl;

// ---------------------------------------------------------------------------------------------
// Files and scopes

file : definition* EOF ;

definition
  : importDecl
  | importlibDecl
  | cppQuote
  | midlPragma
  | scopeDecl
  | typedefDecl
  | constDecl
  | typeDeclStmt
  | operationDecl
  | propertyDecl
  | unknownBlock
  | emptyDecl
  ;

emptyDecl : ';' ;

// A block this compiler does not model (MIDL 3 `namespace`, `runtimeclass`, `apicontract`,
// `declare`, ...): skipped as a whole with a warning, so the rest of the file still compiles.
// No parentheses before the brace, so that a broken operation is still reported as one.
unknownBlock : attributes? IDENT (~('{' | '}' | ';' | '(' | ')'))* '{' braced '}' ';'? ;
braced : ( ~('{' | '}') | '{' braced '}' )* ;

importDecl : 'import' STRING (',' STRING)* ';' ;
importlibDecl : 'importlib' '(' STRING ')' ';'? ;
cppQuote : 'cpp_quote' '(' STRING+ ')' ';'? ;
midlPragma : 'midl_pragma' ident '(' balanced ')' ';'? ;
balanced : ( ~('(' | ')') | '(' balanced ')' )* ;

// interface / library / coclass / module / dispinterface: named scopes. The forward form
// `interface IFoo;` has no body.
scopeDecl
  : attributes? scopeKeyword name (':' name)? '{' scopeBody '}' ';'?
  | attributes? scopeKeyword name ';'
  ;
// The head of a scope, up to its '{': the driver parses big files one declaration at a time
// (parser.cpp), opening scopes with this rule and closing them itself.
scopeOpen : attributes? scopeKeyword name (':' name)? '{' ;
scopeKeyword : 'interface' | 'library' | 'coclass' | 'module' | 'dispinterface' ;
// dispinterfaces separate `properties:` and `methods:`; the labels are tolerated anywhere.
scopeBody : ( definition | sectionLabel )* ;
sectionLabel : IDENT ':' ;

typedefDecl : attributes? 'typedef' attributes? typeSpec declarators ';' ;
constDecl : attributes? 'const' typeSpec declarator '=' expr ';' ;
typeDeclStmt : attributes? (typeDefinition | forwardDecl) ';' ;
forwardDecl : kind=('struct' | 'union' | 'enum') name ;

operationDecl
  : attributes? typeSpec pointers name '(' params? ')' ';'
  ;
// A variable or dispinterface property (`properties: [id(1)] long x;`): kept, not marshalled.
propertyDecl : attributes? typeSpec declarators ';' ;

params
  : param (',' param)* (',' '...')?
  | '...'
  ;
param : attributes? typeSpec declarator? ;

// ---------------------------------------------------------------------------------------------
// Attributes: one or more `[...]` lists, merged.

attributes : attrList+ ;
attrList : '[' (attribute (',' attribute)*)? ','? ']' ;
attribute : attrName ('(' attrArgs ')')? ;
attrName : IDENT | keyword ;
attrArgs : attrArg? (',' attrArg?)* ;
attrArg
  : UUID                              # uuidArg
  | expr                              # exprArg
  | typeName name?                    # typeArg
  ;

// ---------------------------------------------------------------------------------------------
// Types

typeSpec : qualifier* typeCore qualifier* ;
qualifier : 'const' | 'volatile' ;

typeCore
  : builtinWords                       # builtinType
  | 'pipe' typeSpec                    # pipeType
  | typeDefinition                     # inlineType
  | 'struct' name                      # structRef
  | 'union' name                       # unionRef
  | 'enum' name                        # enumRef
  | 'bitmap' name                      # bitmapRef
  | ident                              # namedType
  ;

// `unsigned long`, `long long`, `unsigned __int64`, `short int`, `unsigned` alone, ...
builtinWords : ('unsigned' | 'signed') intWord* | intWord+ ;
intWord : 'long' | 'short' | 'int' | 'char' | 'hyper' | 'small'
        | '__int8' | '__int16' | '__int32' | '__int64' | '__int3264' | 'double' | 'float' ;

typeDefinition
  : 'struct' attributes? name? '{' structMember* '}'                    # structDef
  | 'union' attributes? name? 'switch' '(' typeSpec name ')' name? '{' encapArm* '}'  # encapUnionDef
  | 'union' attributes? name? '{' unionMember* '}'                      # unionDef
  | 'enum' attributes? name? '{' enumBody '}'                           # enumDef
  | 'bitmap' attributes? name? '{' enumBody '}'                         # bitmapDef
  ;

// A struct member; a cpp_quote inside a type is tolerated (and ignored with a warning).
structMember : field | cppQuote | ';' ;
field : attributes? typeSpec declarators? ';' ;

unionMember : unionArm | cppQuote ;
unionArm : attributes typeSpec declarators? ';'      # unionFieldArm
         | attributes ';'                            # unionEmptyArm
         | typeSpec declarators? ';'                 # unionPlainArm
         ;

encapArm : caseLabel+ (field | ';') ;
caseLabel : 'case' expr ':' | 'default' ':' ;

enumBody : (enumerator (',' enumerator)* ','?)? ;
enumerator : attributes? name ('=' expr)? ;

// ---------------------------------------------------------------------------------------------
// Declarators

declarators : declarator (',' declarator)* ;
declarator
  : pointers directDeclarator arrayDim*
  ;
directDeclarator
  : name                                          # plainName
  | '(' pointers name? ')' '(' params? ')'        # functionPointer
  ;
pointers : pointer* ;
pointer : '*' qualifier* ;
arrayDim
  : '[' ']'                # openDim
  | '[' '*' ']'            # starDim
  | '[' expr '..' (expr | '*') ']' # rangeDim
  | '[' expr ']'           # fixedDim
  ;

typeName : typeSpec pointer* ;

// ---------------------------------------------------------------------------------------------
// Expressions, with C's precedence.

expr
  : primary                                             # primaryExpr
  | expr op=('.' | '->') name                           # memberExpr
  | expr '[' expr ']'                                   # indexExpr
  | expr '(' (expr (',' expr)*)? ')'                    # callExpr
  | 'sizeof' '(' typeName ')'                           # sizeofTypeExpr
  | 'sizeof' expr                                       # sizeofExpr
  | op=('-' | '+' | '~' | '!' | '*' | '&') expr         # unaryExpr
  | '(' typeName ')' expr                               # castExpr
  | expr op=('*' | '/' | '%') expr                      # binaryExpr
  | expr op=('+' | '-') expr                            # binaryExpr
  | expr op=('<<' | '>>') expr                          # binaryExpr
  | expr op=('<' | '>' | '<=' | '>=') expr              # binaryExpr
  | expr op=('==' | '!=') expr                          # binaryExpr
  | expr op='&' expr                                    # binaryExpr
  | expr op='^' expr                                    # binaryExpr
  | expr op='|' expr                                    # binaryExpr
  | expr op='&&' expr                                   # binaryExpr
  | expr op='||' expr                                   # binaryExpr
  | <assoc=right> expr '?' expr ':' expr                # ternaryExpr
  ;

primary
  : INT                # intLit
  | FLOAT              # floatLit
  | STRING+            # stringLit
  | CHAR               # charLit
  | ident              # identExpr
  | '(' expr ')'       # parenExpr
  ;

// Names: identifiers plus the words that are keywords only where a declaration starts.
ident : IDENT | 'pipe' | 'bitmap' | 'module' | 'library' | 'coclass' | 'dispinterface'
      | 'importlib' | 'midl_pragma' | 'cpp_quote' ;
name : ident | 'hyper' | 'small' | 'interface' | 'import' ;

keyword
  : 'typedef' | 'struct' | 'union' | 'enum' | 'bitmap' | 'const' | 'volatile' | 'import'
  | 'importlib' | 'interface' | 'dispinterface' | 'coclass' | 'library' | 'module' | 'switch'
  | 'case' | 'default' | 'unsigned' | 'signed' | 'long' | 'short' | 'int' | 'char' | 'hyper'
  | 'small' | '__int8' | '__int16' | '__int32' | '__int64' | '__int3264' | 'double' | 'float'
  | 'sizeof' | 'pipe' | 'cpp_quote' | 'midl_pragma'
  ;

// ---------------------------------------------------------------------------------------------
// Lexer

// A UUID as MIDL writes it unquoted: longest match makes it win over a number or a name.
UUID : HEX HEX HEX HEX HEX HEX HEX HEX '-' HEX HEX HEX HEX '-' HEX HEX HEX HEX '-'
       HEX HEX HEX HEX '-' HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX ;

FLOAT : [0-9]+ '.' [0-9]+ ([eE] [+-]? [0-9]+)? [fFlL]? ;
INT : ( '0' [xX] HEX+ | [0-9]+ ) [uUlL]* ;
STRING : 'L'? '"' ( '\\' . | ~["\\\n] )* '"' ;
CHAR : 'L'? '\'' ( '\\' . | ~['\\\n] )+ '\'' ;
// Calling conventions and the __RPC_* decorations of Windows headers carry nothing for RPC
// (before IDENT: on equal length the first rule wins).
DECORATION : ( '__stdcall' | '_stdcall' | '__cdecl' | '_cdecl' | '__fastcall' | '__pascal'
             | '__RPC_FAR' | '__RPC_API' | '__RPC_USER' | '__RPC_STUB' | '__RPC_CALLEE'
             | 'STDMETHODCALLTYPE' | 'WINAPI' | 'CALLBACK' ) -> skip ;
IDENT : [a-zA-Z_$] [a-zA-Z0-9_$]* ;

// Line markers from the preprocessor (`# 12 "file.idl" 2`) are read by the line map, not here.
LINE_MARKER : '#' [ \t]* ( [0-9] | 'line' ) ~[\n]* -> skip ;
// Pragma lines go to the hidden channel so that they can appear anywhere (inside a struct, an
// enum, a parameter list); the AST builder keeps those that stand between declarations.
PRAGMA : '#' [ \t]* 'pragma' ~[\n]* -> channel(HIDDEN) ;
OTHER_DIRECTIVE : '#' ~[\n]* -> skip ;

BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
LINE_COMMENT : '//' ~[\n]* -> skip ;
WS : [ \t\r\n\f\u000B]+ -> skip ;

fragment HEX : [0-9a-fA-F] ;

// Anything else is one bad character: the parser driver reports it as "stray" and the grammar
// never sees it (hidden channel), so one bad byte gives one error.
STRAY : . -> channel(HIDDEN) ;
