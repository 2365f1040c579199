"""The workbench (工作台): the pipeline driven from a browser, with accounts, uploads and versions."""
