// The OpenAPI 3 document of the Contactflow face, served at /contactflow/openapi.json.
#include "api/contactflow/common.h"
#include "api/contactflow/contactflow_api.h"
#include "api/contactflow/routes.h"

namespace rivulet::api::contactflow {

namespace {
// Schema names follow the vendor's (Node, Setting, Automation, Step, Connection,
// AutomationStatistics, Customer, CustomerOfBatch, BatchNotification, Token, ...).
constexpr const char* kOpenApi = R"json({
 "openapi": "3.0.3",
 "info": {
  "title": "Contactflow API (Rivulet)",
  "version": "2.49.0",
  "description": "The Contactlab Contactflow API 2.49 served by Rivulet: nodes are workspaces, automations the engine's, customers in automations its tokens."
 },
 "servers": [
  {
   "url": "/contactflow"
  }
 ],
 "paths": {
  "/user": {
   "get": {
    "summary": "Get current user info",
    "tags": [
     "User"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/User"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/actions": {
   "get": {
    "summary": "Get available actions for node",
    "tags": [
     "Actions"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Actions"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/nodes": {
   "get": {
    "summary": "Get all nodes",
    "tags": [
     "Nodes"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "name": "portfolioUuid",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     },
     {
      "name": "workspaceUuid",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     },
     {
      "$ref": "#/components/parameters/PageQuery"
     },
     {
      "$ref": "#/components/parameters/SizeQuery"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/NodePage"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   },
   "post": {
    "summary": "Create a node",
    "tags": [
     "Nodes"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     }
    ],
    "responses": {
     "201": {
      "description": "Created",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Node"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Node"
       }
      }
     }
    }
   }
  },
  "/nodes/{nodeUuid}": {
   "get": {
    "summary": "Get a node",
    "tags": [
     "Nodes"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeUuidPath"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Node"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   },
   "delete": {
    "summary": "Delete a node",
    "tags": [
     "Nodes"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeUuidPath"
     }
    ],
    "responses": {
     "204": {
      "description": "Deleted"
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   },
   "patch": {
    "summary": "Update a node",
    "tags": [
     "Nodes"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeUuidPath"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Node"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/NodeUpdate"
       }
      }
     }
    }
   },
   "put": {
    "summary": "Update a node (as PATCH)",
    "tags": [
     "Nodes"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeUuidPath"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Node"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/NodeUpdate"
       }
      }
     }
    }
   }
  },
  "/settings": {
   "get": {
    "summary": "Get all settings",
    "tags": [
     "Node Settings"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "name": "Category",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "enum": [
        "INTEGRATION"
       ]
      }
     },
     {
      "name": "Type",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Settings"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   },
   "post": {
    "summary": "Add a setting",
    "tags": [
     "Node Settings"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     }
    ],
    "responses": {
     "201": {
      "description": "Created",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Setting"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Setting"
       }
      }
     }
    }
   }
  },
  "/settings/{settingUuid}": {
   "get": {
    "summary": "Get a setting",
    "tags": [
     "Node Settings"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/SettingUuidPath"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Setting"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   },
   "put": {
    "summary": "Update a setting",
    "tags": [
     "Node Settings"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/SettingUuidPath"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Setting"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Setting"
       }
      }
     }
    }
   },
   "delete": {
    "summary": "Delete a setting",
    "tags": [
     "Node Settings"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/SettingUuidPath"
     }
    ],
    "responses": {
     "204": {
      "description": "Deleted"
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/automations": {
   "get": {
    "summary": "Get all automations",
    "tags": [
     "Automations"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/NameQuery"
     },
     {
      "$ref": "#/components/parameters/DescriptionQuery"
     },
     {
      "$ref": "#/components/parameters/StatusQuery"
     },
     {
      "$ref": "#/components/parameters/CategoryQuery"
     },
     {
      "$ref": "#/components/parameters/StartDateBeforeQuery"
     },
     {
      "$ref": "#/components/parameters/StartDateAfterQuery"
     },
     {
      "$ref": "#/components/parameters/EndDateBeforeQuery"
     },
     {
      "$ref": "#/components/parameters/EndDateAfterQuery"
     },
     {
      "$ref": "#/components/parameters/CreatedBeforeQuery"
     },
     {
      "$ref": "#/components/parameters/CreatedAfterQuery"
     },
     {
      "$ref": "#/components/parameters/StepTypeQuery"
     },
     {
      "$ref": "#/components/parameters/HasTriggerQuery"
     },
     {
      "name": "style",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "compact: fewer fields"
     },
     {
      "$ref": "#/components/parameters/PageQuery"
     },
     {
      "$ref": "#/components/parameters/SizeQuery"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AutomationPage"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   },
   "post": {
    "summary": "Create an automation",
    "tags": [
     "Automations"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     }
    ],
    "responses": {
     "201": {
      "description": "Created",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Automation"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Automation"
       }
      }
     }
    }
   }
  },
  "/automations/{automationUuid}": {
   "get": {
    "summary": "Get an automation",
    "tags": [
     "Automations"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/AutomationUuidPath"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Automation"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   },
   "put": {
    "summary": "Update an automation",
    "tags": [
     "Automations"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/AutomationUuidPath"
     },
     {
      "$ref": "#/components/parameters/RemoveExpiredCustomersQuery"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Automation"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Automation"
       }
      }
     }
    }
   },
   "patch": {
    "summary": "Update an automation status and name",
    "tags": [
     "Automations"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/AutomationUuidPath"
     },
     {
      "$ref": "#/components/parameters/RemoveExpiredCustomersQuery"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Automation"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/AutomationStatusUpdate"
       }
      }
     }
    }
   },
   "delete": {
    "summary": "Delete an automation",
    "tags": [
     "Automations"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/AutomationUuidPath"
     }
    ],
    "responses": {
     "204": {
      "description": "Deleted"
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/automations/{automationUuid}/steps/{stepUuid}/feedbacks": {
   "get": {
    "summary": "Get feedbacks for a step",
    "tags": [
     "Automations"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/AutomationUuidPath"
     },
     {
      "name": "stepUuid",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/StepFeedback"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/automations/{automationUuid}/feedbacks": {
   "get": {
    "summary": "Get feedbacks for an automation",
    "tags": [
     "Automations"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/AutomationUuidPath"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AutomationFeedbacks"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/automations/reports": {
   "get": {
    "summary": "Get reports for all Automations (CSV)",
    "tags": [
     "Automations"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/AutomationUuidQuery"
     },
     {
      "$ref": "#/components/parameters/NameQuery"
     },
     {
      "$ref": "#/components/parameters/DescriptionQuery"
     },
     {
      "$ref": "#/components/parameters/StatusQuery"
     },
     {
      "$ref": "#/components/parameters/CategoryQuery"
     },
     {
      "$ref": "#/components/parameters/StartDateBeforeQuery"
     },
     {
      "$ref": "#/components/parameters/StartDateAfterQuery"
     },
     {
      "$ref": "#/components/parameters/EndDateBeforeQuery"
     },
     {
      "$ref": "#/components/parameters/EndDateAfterQuery"
     },
     {
      "$ref": "#/components/parameters/CreatedBeforeQuery"
     },
     {
      "$ref": "#/components/parameters/CreatedAfterQuery"
     },
     {
      "$ref": "#/components/parameters/StepTypeQuery"
     },
     {
      "$ref": "#/components/parameters/HasTriggerQuery"
     },
     {
      "name": "filename",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "default": "feedbacks"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "A CSV file",
      "content": {
       "text/csv": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/automations/categories": {
   "get": {
    "summary": "Get automation categories",
    "tags": [
     "Automations"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Categories"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ],
    "deprecated": true
   }
  },
  "/automations/{automationUuid}/customers": {
   "post": {
    "summary": "Add a customer to an automation",
    "tags": [
     "Customers"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/AutomationUuidPath"
     }
    ],
    "responses": {
     "201": {
      "description": "Created",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Customer"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Customer"
       }
      }
     }
    }
   }
  },
  "/automations/{automationUuid}/customers/{customerUuid}": {
   "delete": {
    "summary": "Delete a customer from an automation",
    "tags": [
     "Customers"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/AutomationUuidPath"
     },
     {
      "name": "customerUuid",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ],
    "responses": {
     "204": {
      "description": "Deleted"
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/automations/{automationUuid}/customers/batch": {
   "get": {
    "summary": "Rivulet: the status and counts of a batch source",
    "description": "Packets are accepted whole and expanded into the automation in the background, in the order they were accepted; the source is CLOSED after its LAST packet is accepted and ENABLED (or ENABLED_*) once that packet is expanded.",
    "tags": [
     "Customers"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/AutomationUuidPath"
     },
     {
      "name": "sourceUuid",
      "in": "query",
      "required": true,
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The source",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/BatchSource"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   },
   "post": {
    "summary": "Add a batch of customers to an automation",
    "tags": [
     "Customers"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/AutomationUuidPath"
     }
    ],
    "responses": {
     "201": {
      "description": "Accepted",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/BatchSource"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/BatchOfCustomers"
       }
      }
     }
    }
   },
   "delete": {
    "summary": "Delete an incomplete batch of customers",
    "tags": [
     "Customers"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/AutomationUuidPath"
     },
     {
      "name": "sourceUuid",
      "in": "query",
      "required": true,
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ],
    "responses": {
     "204": {
      "description": "Deleted"
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/tokens/{tokenUuid}": {
   "get": {
    "summary": "Get token info",
    "tags": [
     "Customer Tokens"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "name": "tokenUuid",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Token"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/tokens": {
   "get": {
    "summary": "Search current customers in node",
    "tags": [
     "Customer Tokens"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/AutomationUuidQuery"
     },
     {
      "$ref": "#/components/parameters/StepUuidQuery"
     },
     {
      "$ref": "#/components/parameters/ClabUuidQuery"
     },
     {
      "$ref": "#/components/parameters/RecipientQuery"
     },
     {
      "$ref": "#/components/parameters/AggregatedStatusQuery"
     },
     {
      "$ref": "#/components/parameters/PageQuery"
     },
     {
      "$ref": "#/components/parameters/SizeQuery"
     },
     {
      "name": "style",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "sort",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "enum": [
        "automationUuid",
        "clabUuid",
        "recipient",
        "stepUuid",
        "status"
       ]
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/TokenPage"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/tokens/reports": {
   "get": {
    "summary": "Get reports for all Tokens (ZIP)",
    "tags": [
     "Customer Tokens"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/AutomationUuidQuery"
     },
     {
      "$ref": "#/components/parameters/StepUuidQuery"
     },
     {
      "$ref": "#/components/parameters/ClabUuidQuery"
     },
     {
      "$ref": "#/components/parameters/RecipientQuery"
     },
     {
      "$ref": "#/components/parameters/AggregatedStatusQuery"
     },
     {
      "name": "filename",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "default": "automations-monitor"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "A ZIP file",
      "content": {
       "application/zip": {
        "schema": {
         "type": "string",
         "format": "binary"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/external-contents/email-designer": {
   "get": {
    "summary": "Get Email Designer configurations",
    "tags": [
     "External Contents"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/EmailDesigner"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/external-contents/mail-models": {
   "get": {
    "summary": "Get all message mail models",
    "tags": [
     "External Contents"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/MailModels"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/external-contents/sms-models": {
   "get": {
    "summary": "Get all sms mail models",
    "tags": [
     "External Contents"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/MailModels"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/external-contents/pagebuilder/templates": {
   "get": {
    "summary": "Get PageBuilder templates",
    "tags": [
     "External Contents"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/PageQuery"
     },
     {
      "$ref": "#/components/parameters/SizeQuery"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/PageBuilderTemplatePage"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/external-contents/pagebuilder/templates/{templateId}/pages": {
   "get": {
    "summary": "Get all PageBuilder template's pages",
    "tags": [
     "External Contents"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/TemplateIdPath"
     },
     {
      "$ref": "#/components/parameters/PageQuery"
     },
     {
      "$ref": "#/components/parameters/SizeQuery"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/PageBuilderPagePage"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/external-contents/pagebuilder/templates/{templateId}/pages/{pageId}": {
   "get": {
    "summary": "Get a PageBuilder template's page",
    "tags": [
     "External Contents"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     },
     {
      "$ref": "#/components/parameters/TemplateIdPath"
     },
     {
      "name": "pageId",
      "in": "path",
      "required": true,
      "schema": {
       "type": "integer"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/PageBuilderPage"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/external-contents/test-email": {
   "post": {
    "summary": "Send email test for step mail",
    "tags": [
     "External Contents"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     }
    ],
    "responses": {
     "204": {
      "description": "Sent"
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/TestCampaign"
       }
      }
     }
    }
   }
  },
  "/send-subscriptions": {
   "get": {
    "summary": "Get Send subscriptions",
    "tags": [
     "Send Subscriptions"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/SendSubscriptions"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/kpis/nodes": {
   "get": {
    "summary": "Get nodes basic infos and automations status aggregate",
    "tags": [
     "KPIs"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/PageQuery"
     },
     {
      "$ref": "#/components/parameters/SizeQuery"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/NodeKpiPage"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/definitions/trigger-events": {
   "get": {
    "summary": "Get trigger events definitions",
    "tags": [
     "Definitions"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Definitions"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/definitions/contexts": {
   "get": {
    "summary": "Get events context definitions",
    "tags": [
     "Definitions"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Definitions"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/definitions/customers": {
   "get": {
    "summary": "Get customers definitions",
    "tags": [
     "Definitions"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Definitions"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  },
  "/definitions/categories": {
   "get": {
    "summary": "Get automation categories",
    "tags": [
     "Definitions"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/AuthorizationHeader"
     },
     {
      "$ref": "#/components/parameters/NodeHeader"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Categories"
        }
       }
      }
     },
     "400": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Error",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": []
     }
    ]
   }
  }
 },
 "components": {
  "schemas": {
   "PageInfo": {
    "type": "object",
    "properties": {
     "size": {
      "type": "integer",
      "format": "int64"
     },
     "totalElements": {
      "type": "integer",
      "format": "int64"
     },
     "totalPages": {
      "type": "integer",
      "format": "int64"
     },
     "number": {
      "type": "integer",
      "format": "int64"
     }
    },
    "required": [
     "size",
     "totalElements",
     "totalPages",
     "number"
    ],
    "additionalProperties": false
   },
   "Error": {
    "type": "object",
    "properties": {
     "message": {
      "type": "string"
     },
     "logref": {
      "type": "string"
     },
     "errors": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/ErrorItem"
      }
     }
    },
    "required": [
     "message",
     "logref",
     "errors"
    ],
    "additionalProperties": false
   },
   "ErrorItem": {
    "type": "object",
    "properties": {
     "path": {
      "type": "string"
     },
     "message": {
      "type": "string"
     }
    },
    "required": [
     "path",
     "message"
    ],
    "additionalProperties": false
   },
   "Node": {
    "type": "object",
    "properties": {
     "uuid": {
      "type": "string",
      "format": "uuid"
     },
     "name": {
      "type": "string"
     },
     "workspaceUuid": {
      "type": "string",
      "format": "uuid"
     },
     "workspaceName": {
      "type": "string"
     },
     "portfolioUuid": {
      "type": "string",
      "format": "uuid"
     },
     "portfolioName": {
      "type": "string"
     },
     "groupPk": {
      "type": "integer",
      "format": "int64"
     },
     "userdbId": {
      "type": "integer",
      "format": "int64"
     },
     "groupName": {
      "type": "string"
     },
     "active": {
      "type": "boolean"
     },
     "emailActive": {
      "type": "boolean"
     },
     "smsActive": {
      "type": "boolean"
     },
     "created": {
      "type": "string",
      "format": "date-time"
     },
     "hubPhoneField": {
      "type": "string"
     }
    },
    "required": [
     "uuid",
     "name",
     "active",
     "emailActive",
     "smsActive",
     "created"
    ],
    "additionalProperties": false
   },
   "NodeUpdate": {
    "type": "object",
    "properties": {
     "active": {
      "type": "boolean"
     },
     "smsActive": {
      "type": "boolean"
     },
     "emailActive": {
      "type": "boolean"
     },
     "hubPhoneField": {
      "type": "string"
     }
    },
    "required": [
     "active"
    ],
    "additionalProperties": false
   },
   "NodePage": {
    "type": "object",
    "properties": {
     "page": {
      "$ref": "#/components/schemas/PageInfo"
     },
     "elements": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Node"
      }
     }
    },
    "required": [
     "page",
     "elements"
    ],
    "additionalProperties": false
   },
   "User": {
    "type": "object",
    "properties": {
     "base": {
      "type": "object",
      "properties": {
       "id": {
        "type": "integer",
        "format": "int64"
       },
       "username": {
        "type": "string"
       },
       "admin": {
        "type": "boolean"
       }
      },
      "required": [
       "id",
       "username",
       "admin"
      ],
      "additionalProperties": false
     },
     "extended": {
      "type": "object",
      "properties": {
       "clientId": {
        "type": "string"
       },
       "created": {
        "type": "string",
        "format": "date-time"
       },
       "nodes": {
        "type": "array",
        "items": {
         "$ref": "#/components/schemas/Node"
        }
       }
      },
      "required": [
       "nodes"
      ],
      "additionalProperties": false
     }
    },
    "required": [
     "base",
     "extended"
    ],
    "additionalProperties": false
   },
   "Actions": {
    "type": "array",
    "items": {
     "type": "string",
     "enum": [
      "CLAB_CAMPAIGN",
      "CLAB_CAMPAIGN_SMS",
      "WEBHOOK",
      "TAG",
      "WAIT",
      "FROM_LAST_STEP",
      "WAIT_AND_CHECK",
      "WAIT_FOR_TRIGGER",
      "AB_TEST",
      "NO_ACTION",
      "ISSUE_CREDITS"
     ]
    }
   },
   "Setting": {
    "type": "object",
    "properties": {
     "uuid": {
      "type": "string",
      "format": "uuid"
     },
     "label": {
      "type": "string"
     },
     "category": {
      "type": "string",
      "enum": [
       "INTEGRATION"
      ]
     },
     "type": {
      "type": "string",
      "enum": [
       "CLAB_API_SOAP",
       "HUB",
       "SMTP",
       "SMS_GATEWAY",
       "WEBHOOK_SIGNING"
      ]
     },
     "value": {
      "type": "object",
      "additionalProperties": true
     }
    },
    "required": [
     "type"
    ],
    "additionalProperties": false
   },
   "Settings": {
    "type": "object",
    "properties": {
     "integrations": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Setting"
      }
     }
    },
    "required": [
     "integrations"
    ],
    "additionalProperties": false
   },
   "AutomationStatus": {
    "type": "string",
    "enum": [
     "COMMITTED",
     "PAUSED",
     "RUNNING",
     "ARCHIVED",
     "DRAFT",
     "ERROR",
     "TO_ARCHIVE",
     "TO_DELETE"
    ]
   },
   "AutomationCategory": {
    "type": "string",
    "enum": [
     "Custom"
    ]
   },
   "TriggerEvent": {
    "type": "object",
    "properties": {
     "eventType": {
      "type": "string"
     },
     "condition": {
      "type": "object",
      "nullable": true,
      "additionalProperties": true
     }
    },
    "required": [
     "eventType"
    ],
    "additionalProperties": false
   },
   "Step": {
    "type": "object",
    "properties": {
     "uuid": {
      "type": "string",
      "format": "uuid"
     },
     "type": {
      "type": "string",
      "enum": [
       "ACTION",
       "WAIT",
       "CONDITION",
       "TRIGGER"
      ]
     },
     "operation": {
      "type": "string",
      "enum": [
       "CLAB_CAMPAIGN",
       "CLAB_CAMPAIGN_SMS",
       "WEBHOOK",
       "TAG",
       "WAIT",
       "FROM_LAST_STEP",
       "WAIT_AND_CHECK",
       "WAIT_FOR_TRIGGER",
       "AB_TEST",
       "NO_ACTION",
       "ISSUE_CREDITS"
      ]
     },
     "description": {
      "type": "string"
     },
     "settings": {
      "type": "object",
      "additionalProperties": true
     }
    },
    "required": [
     "operation"
    ],
    "additionalProperties": false
   },
   "Connection": {
    "type": "object",
    "properties": {
     "fromStepUuid": {
      "type": "string",
      "format": "uuid"
     },
     "toStepUuid": {
      "type": "string",
      "format": "uuid"
     },
     "branch": {
      "type": "string"
     }
    },
    "required": [
     "fromStepUuid",
     "toStepUuid"
    ],
    "additionalProperties": false
   },
   "AutomationStatistics": {
    "type": "object",
    "properties": {
     "entered": {
      "type": "integer",
      "format": "int64"
     },
     "completed": {
      "type": "integer",
      "format": "int64"
     },
     "exited": {
      "type": "integer",
      "format": "int64"
     },
     "errors": {
      "type": "integer",
      "format": "int64"
     },
     "sent": {
      "type": "integer",
      "format": "int64"
     },
     "delivered": {
      "type": "integer",
      "format": "int64"
     },
     "skipped": {
      "type": "integer",
      "format": "int64"
     },
     "failed": {
      "type": "integer",
      "format": "int64"
     },
     "opens": {
      "type": "integer",
      "format": "int64"
     },
     "uniqueOpens": {
      "type": "integer",
      "format": "int64"
     },
     "clicks": {
      "type": "integer",
      "format": "int64"
     },
     "uniqueClicks": {
      "type": "integer",
      "format": "int64"
     },
     "bounces": {
      "type": "integer",
      "format": "int64"
     },
     "unsubscribes": {
      "type": "integer",
      "format": "int64"
     }
    },
    "additionalProperties": false
   },
   "Automation": {
    "type": "object",
    "properties": {
     "uuid": {
      "type": "string",
      "format": "uuid"
     },
     "name": {
      "type": "string"
     },
     "category": {
      "$ref": "#/components/schemas/AutomationCategory"
     },
     "author": {
      "type": "string"
     },
     "startDate": {
      "type": "string",
      "format": "date-time",
      "nullable": true
     },
     "timezone": {
      "type": "string"
     },
     "status": {
      "$ref": "#/components/schemas/AutomationStatus"
     },
     "created": {
      "type": "string",
      "format": "date-time"
     },
     "createdBy": {
      "type": "string"
     },
     "description": {
      "type": "string"
     },
     "endDate": {
      "type": "string",
      "format": "date-time",
      "nullable": true
     },
     "uniqueToken": {
      "type": "boolean"
     },
     "removeActionPrimary": {
      "type": "boolean"
     },
     "sourceDescription": {
      "type": "string"
     },
     "triggerEvents": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/TriggerEvent"
      }
     },
     "steps": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Step"
      }
     },
     "connections": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Connection"
      }
     },
     "statistics": {
      "$ref": "#/components/schemas/AutomationStatistics"
     }
    },
    "required": [
     "name"
    ],
    "additionalProperties": false
   },
   "AutomationPage": {
    "type": "object",
    "properties": {
     "page": {
      "$ref": "#/components/schemas/PageInfo"
     },
     "elements": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Automation"
      }
     }
    },
    "required": [
     "page",
     "elements"
    ],
    "additionalProperties": false
   },
   "AutomationStatusUpdate": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string"
     },
     "status": {
      "$ref": "#/components/schemas/AutomationStatus"
     }
    },
    "additionalProperties": false
   },
   "Categories": {
    "type": "object",
    "properties": {
     "categories": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/AutomationCategory"
      }
     }
    },
    "required": [
     "categories"
    ],
    "additionalProperties": false
   },
   "StepFeedback": {
    "type": "object",
    "properties": {
     "uuid": {
      "type": "string",
      "format": "uuid"
     },
     "type": {
      "type": "string"
     },
     "operation": {
      "type": "string",
      "enum": [
       "CLAB_CAMPAIGN",
       "CLAB_CAMPAIGN_SMS",
       "WEBHOOK",
       "TAG",
       "WAIT",
       "FROM_LAST_STEP",
       "WAIT_AND_CHECK",
       "WAIT_FOR_TRIGGER",
       "AB_TEST",
       "NO_ACTION",
       "ISSUE_CREDITS"
      ]
     },
     "description": {
      "type": "string"
     },
     "feedbacks": {
      "$ref": "#/components/schemas/AutomationStatistics"
     }
    },
    "required": [
     "uuid",
     "type",
     "operation",
     "feedbacks"
    ],
    "additionalProperties": false
   },
   "AutomationFeedbacks": {
    "type": "object",
    "properties": {
     "automationUuid": {
      "type": "string",
      "format": "uuid"
     },
     "feedbacks": {
      "$ref": "#/components/schemas/AutomationStatistics"
     },
     "steps": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/StepFeedback"
      }
     }
    },
    "required": [
     "automationUuid",
     "steps"
    ],
    "additionalProperties": false
   },
   "Customer": {
    "type": "object",
    "properties": {
     "uuid": {
      "type": "string",
      "format": "uuid"
     },
     "userPk": {
      "type": "string"
     },
     "clabUuid": {
      "type": "string",
      "format": "uuid"
     },
     "attributes": {
      "type": "object",
      "additionalProperties": true
     },
     "automationUuid": {
      "type": "string",
      "format": "uuid"
     },
     "automationName": {
      "type": "string"
     }
    },
    "additionalProperties": false
   },
   "CustomerOfBatch": {
    "type": "object",
    "properties": {
     "uuid": {
      "type": "string",
      "format": "uuid"
     },
     "userPk": {
      "type": "string"
     },
     "clabUuid": {
      "type": "string",
      "format": "uuid"
     },
     "attributes": {
      "type": "object",
      "additionalProperties": true
     },
     "automationUuid": {
      "type": "string",
      "format": "uuid"
     },
     "automationName": {
      "type": "string"
     }
    },
    "additionalProperties": false
   },
   "BatchNotification": {
    "type": "object",
    "properties": {
     "type": {
      "type": "string",
      "enum": [
       "WEBHOOK",
       "EMAIL"
      ]
     },
     "url": {
      "type": "string"
     },
     "recipient": {
      "type": "string"
     }
    },
    "required": [
     "type"
    ],
    "additionalProperties": false
   },
   "BatchOfCustomers": {
    "type": "object",
    "properties": {
     "customers": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/CustomerOfBatch"
      }
     },
     "notification": {
      "$ref": "#/components/schemas/BatchNotification"
     },
     "packet": {
      "type": "string",
      "enum": [
       "FIRST",
       "MIDDLE",
       "LAST"
      ]
     },
     "sourceLabel": {
      "type": "string"
     },
     "sourceUuid": {
      "type": "string",
      "format": "uuid"
     },
     "status": {
      "type": "string",
      "enum": [
       "OPEN",
       "CLOSED",
       "ENABLED",
       "ENABLED_OK_NOTIFYING",
       "ENABLED_ERROR_NOTIFYING",
       "ENABLED_OK_NOTIFIED",
       "ENABLED_OK_NOT_NOTIFIED",
       "ENABLED_ERROR_NOTIFIED",
       "ENABLED_ERROR_NOT_NOTIFIED"
      ]
     }
    },
    "required": [
     "packet",
     "sourceUuid"
    ],
    "additionalProperties": false
   },
   "BatchSource": {
    "type": "object",
    "properties": {
     "sourceLabel": {
      "type": "string"
     },
     "sourceUuid": {
      "type": "string",
      "format": "uuid"
     },
     "status": {
      "type": "string",
      "enum": [
       "OPEN",
       "CLOSED",
       "ENABLED",
       "ENABLED_OK_NOTIFYING",
       "ENABLED_ERROR_NOTIFYING",
       "ENABLED_OK_NOTIFIED",
       "ENABLED_OK_NOT_NOTIFIED",
       "ENABLED_ERROR_NOTIFIED",
       "ENABLED_ERROR_NOT_NOTIFIED"
      ]
     },
     "received": {
      "type": "integer",
      "format": "int64",
      "description": "Rivulet: customers in the packets accepted so far"
     },
     "customers": {
      "type": "integer",
      "format": "int64",
      "description": "Rivulet: customers that entered the automation (held until the batch closes)"
     },
     "rejected": {
      "type": "integer",
      "format": "int64",
      "description": "Rivulet: customers refused (uniqueToken, re-entry, unknown uuid, automation stopped)"
     },
     "pending": {
      "type": "integer",
      "format": "int64",
      "description": "Rivulet: customers accepted but not yet expanded into the automation"
     },
     "lastError": {
      "type": "string",
      "description": "Rivulet: why the last customer or packet was refused"
     }
    },
    "required": [
     "sourceUuid",
     "status"
    ],
    "additionalProperties": false
   },
   "Token": {
    "type": "object",
    "properties": {
     "uuid": {
      "type": "string",
      "format": "uuid"
     },
     "userPk": {
      "type": "string"
     },
     "clabUuid": {
      "type": "string",
      "format": "uuid"
     },
     "recipient": {
      "type": "string"
     },
     "attributes": {
      "type": "object",
      "additionalProperties": true
     },
     "automationUuid": {
      "type": "string",
      "format": "uuid"
     },
     "automationName": {
      "type": "string"
     },
     "stepUuid": {
      "type": "string",
      "format": "uuid"
     },
     "stepOperation": {
      "type": "string",
      "enum": [
       "CLAB_CAMPAIGN",
       "CLAB_CAMPAIGN_SMS",
       "WEBHOOK",
       "TAG",
       "WAIT",
       "FROM_LAST_STEP",
       "WAIT_AND_CHECK",
       "WAIT_FOR_TRIGGER",
       "AB_TEST",
       "NO_ACTION",
       "ISSUE_CREDITS"
      ],
      "nullable": true
     },
     "stepType": {
      "type": "string",
      "nullable": true
     },
     "stepDescription": {
      "type": "string",
      "nullable": true
     },
     "enterStepDate": {
      "type": "string",
      "format": "date-time"
     },
     "enterAutomationDate": {
      "type": "string",
      "format": "date-time"
     },
     "status": {
      "type": "string",
      "enum": [
       "HELD",
       "READY",
       "WAITING",
       "SENDING",
       "COMPLETED",
       "EXITED",
       "ERROR"
      ]
     },
     "automationStatus": {
      "$ref": "#/components/schemas/AutomationStatus"
     },
     "errorDate": {
      "type": "string",
      "format": "date-time",
      "nullable": true
     },
     "errorMessage": {
      "type": "string",
      "nullable": true
     }
    },
    "required": [
     "uuid",
     "clabUuid",
     "automationUuid",
     "stepUuid",
     "status"
    ],
    "additionalProperties": false
   },
   "TokenPage": {
    "type": "object",
    "properties": {
     "page": {
      "$ref": "#/components/schemas/PageInfo"
     },
     "elements": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Token"
      }
     }
    },
    "required": [
     "page",
     "elements"
    ],
    "additionalProperties": false
   },
   "EmailDesigner": {
    "type": "object",
    "properties": {
     "enabled": {
      "type": "boolean"
     }
    },
    "required": [
     "enabled"
    ],
    "additionalProperties": false
   },
   "MailModel": {
    "type": "object",
    "properties": {
     "id": {
      "type": "integer",
      "format": "int64"
     },
     "uuid": {
      "type": "string",
      "format": "uuid"
     },
     "name": {
      "type": "string"
     },
     "subject": {
      "type": "string"
     },
     "htmlContent": {
      "type": "string"
     },
     "textContent": {
      "type": "string"
     },
     "created": {
      "type": "string",
      "format": "date-time"
     },
     "updated": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "id",
     "name"
    ],
    "additionalProperties": false
   },
   "MailModels": {
    "type": "array",
    "items": {
     "$ref": "#/components/schemas/MailModel"
    }
   },
   "PageBuilderTemplate": {
    "type": "object",
    "properties": {
     "id": {
      "type": "integer",
      "format": "int64"
     },
     "name": {
      "type": "string"
     },
     "created": {
      "type": "string",
      "format": "date-time"
     },
     "updated": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "id",
     "name"
    ],
    "additionalProperties": false
   },
   "PageBuilderTemplatePage": {
    "type": "object",
    "properties": {
     "page": {
      "$ref": "#/components/schemas/PageInfo"
     },
     "elements": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/PageBuilderTemplate"
      }
     }
    },
    "required": [
     "page",
     "elements"
    ],
    "additionalProperties": false
   },
   "PageBuilderPage": {
    "type": "object",
    "properties": {
     "id": {
      "type": "integer",
      "format": "int64"
     },
     "templateId": {
      "type": "integer",
      "format": "int64"
     },
     "name": {
      "type": "string"
     },
     "html": {
      "type": "string"
     }
    },
    "required": [
     "id",
     "templateId",
     "name"
    ],
    "additionalProperties": false
   },
   "PageBuilderPagePage": {
    "type": "object",
    "properties": {
     "page": {
      "$ref": "#/components/schemas/PageInfo"
     },
     "elements": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/PageBuilderPage"
      }
     }
    },
    "required": [
     "page",
     "elements"
    ],
    "additionalProperties": false
   },
   "Attributes": {
    "type": "object",
    "properties": {
     "key": {
      "type": "string"
     },
     "value": {}
    },
    "required": [
     "key"
    ],
    "additionalProperties": false
   },
   "TestCampaign": {
    "type": "object",
    "properties": {
     "modelIdentifier": {
      "type": "integer",
      "format": "int64"
     },
     "senderName": {
      "type": "string"
     },
     "senderEmail": {
      "type": "string"
     },
     "senderReplyTo": {
      "type": "string"
     },
     "subject": {
      "type": "string"
     },
     "htmlContent": {
      "type": "string"
     },
     "textContent": {
      "type": "string"
     },
     "customRef": {
      "type": "string"
     },
     "email": {
      "type": "string"
     },
     "attributes": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Attributes"
      }
     }
    },
    "required": [
     "senderEmail",
     "email"
    ],
    "additionalProperties": false
   },
   "SendSubscriptions": {
    "type": "object",
    "properties": {
     "subscriptions": {
      "type": "array",
      "items": {
       "type": "object",
       "properties": {
        "id": {
         "type": "string"
        },
        "name": {
         "type": "string"
        }
       },
       "required": [
        "id",
        "name"
       ],
       "additionalProperties": false
      }
     }
    },
    "required": [
     "subscriptions"
    ],
    "additionalProperties": false
   },
   "NodeKpi": {
    "type": "object",
    "properties": {
     "uuid": {
      "type": "string",
      "format": "uuid"
     },
     "name": {
      "type": "string"
     },
     "workspaceUuid": {
      "type": "string",
      "format": "uuid"
     },
     "workspaceName": {
      "type": "string"
     },
     "portfolioUuid": {
      "type": "string",
      "format": "uuid"
     },
     "portfolioName": {
      "type": "string"
     },
     "groupPk": {
      "type": "integer",
      "format": "int64"
     },
     "userdbId": {
      "type": "integer",
      "format": "int64"
     },
     "groupName": {
      "type": "string"
     },
     "active": {
      "type": "boolean"
     },
     "emailActive": {
      "type": "boolean"
     },
     "smsActive": {
      "type": "boolean"
     },
     "created": {
      "type": "string",
      "format": "date-time"
     },
     "hubPhoneField": {
      "type": "string"
     },
     "automations": {
      "type": "object",
      "properties": {
       "total": {
        "type": "integer",
        "format": "int64"
       },
       "byStatus": {
        "type": "object",
        "properties": {
         "COMMITTED": {
          "type": "integer",
          "format": "int64"
         },
         "PAUSED": {
          "type": "integer",
          "format": "int64"
         },
         "RUNNING": {
          "type": "integer",
          "format": "int64"
         },
         "ARCHIVED": {
          "type": "integer",
          "format": "int64"
         },
         "DRAFT": {
          "type": "integer",
          "format": "int64"
         },
         "ERROR": {
          "type": "integer",
          "format": "int64"
         },
         "TO_ARCHIVE": {
          "type": "integer",
          "format": "int64"
         }
        },
        "additionalProperties": false
       }
      },
      "required": [
       "total",
       "byStatus"
      ],
      "additionalProperties": false
     },
     "customers": {
      "type": "object",
      "properties": {
       "RUNNING": {
        "type": "integer",
        "format": "int64"
       },
       "COMPLETED": {
        "type": "integer",
        "format": "int64"
       },
       "ERROR": {
        "type": "integer",
        "format": "int64"
       }
      },
      "required": [
       "RUNNING",
       "COMPLETED",
       "ERROR"
      ],
      "additionalProperties": false
     }
    },
    "required": [
     "uuid",
     "name",
     "automations",
     "customers"
    ],
    "additionalProperties": false
   },
   "NodeKpiPage": {
    "type": "object",
    "properties": {
     "page": {
      "$ref": "#/components/schemas/PageInfo"
     },
     "elements": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/NodeKpi"
      }
     }
    },
    "required": [
     "page",
     "elements"
    ],
    "additionalProperties": false
   },
   "Definitions": {
    "type": "object",
    "additionalProperties": true
   }
  },
  "parameters": {
   "AggregatedStatusQuery": {
    "in": "query",
    "name": "aggregatedStatus",
    "required": false,
    "schema": {
     "enum": [
      "RUNNING",
      "COMPLETED",
      "ERROR"
     ],
     "type": "string"
    }
   },
   "AuthorizationHeader": {
    "description": "A valid OAuth2 token",
    "in": "header",
    "name": "Authorization",
    "required": true,
    "schema": {
     "type": "string"
    }
   },
   "AutomationUuidPath": {
    "in": "path",
    "name": "automationUuid",
    "required": true,
    "schema": {
     "format": "uuid",
     "type": "string"
    }
   },
   "AutomationUuidQuery": {
    "in": "query",
    "name": "automationUuid",
    "required": false,
    "schema": {
     "format": "uuid",
     "type": "string"
    }
   },
   "CategoryQuery": {
    "in": "query",
    "name": "category",
    "required": false,
    "schema": {
     "items": {
      "$ref": "#/components/schemas/AutomationCategory"
     },
     "type": "array"
    }
   },
   "ClabUuidQuery": {
    "in": "query",
    "name": "clabUuid",
    "required": false,
    "schema": {
     "type": "string"
    }
   },
   "CreatedAfterQuery": {
    "in": "query",
    "name": "createdAfter",
    "required": false,
    "schema": {
     "format": "date-time",
     "type": "string"
    }
   },
   "CreatedBeforeQuery": {
    "in": "query",
    "name": "createdBefore",
    "required": false,
    "schema": {
     "format": "date-time",
     "type": "string"
    }
   },
   "DescriptionQuery": {
    "description": "Filter by description",
    "in": "query",
    "name": "description",
    "required": false,
    "schema": {
     "type": "string"
    }
   },
   "EndDateAfterQuery": {
    "in": "query",
    "name": "endDateAfter",
    "required": false,
    "schema": {
     "format": "date-time",
     "type": "string"
    }
   },
   "EndDateBeforeQuery": {
    "in": "query",
    "name": "endDateBefore",
    "required": false,
    "schema": {
     "format": "date-time",
     "type": "string"
    }
   },
   "HasTriggerQuery": {
    "in": "query",
    "name": "hasTrigger",
    "required": false,
    "schema": {
     "default": false,
     "type": "boolean"
    }
   },
   "NameQuery": {
    "description": "Filter by name",
    "in": "query",
    "name": "name",
    "required": false,
    "schema": {
     "type": "string"
    }
   },
   "NodeHeader": {
    "description": "The UUID of the node to operate on",
    "in": "header",
    "name": "Node",
    "required": true,
    "schema": {
     "format": "uuid",
     "type": "string"
    }
   },
   "NodeUuidPath": {
    "in": "path",
    "name": "nodeUuid",
    "required": true,
    "schema": {
     "format": "uuid",
     "type": "string"
    }
   },
   "PageQuery": {
    "description": "The requested page (0-based)",
    "in": "query",
    "name": "page",
    "required": false,
    "schema": {
     "default": 0,
     "minimum": 0,
     "type": "integer"
    }
   },
   "RecipientQuery": {
    "in": "query",
    "name": "recipient",
    "required": false,
    "schema": {
     "type": "string"
    }
   },
   "RemoveExpiredCustomersQuery": {
    "in": "query",
    "name": "removeExpiredCustomers",
    "required": false,
    "schema": {
     "default": false,
     "type": "boolean"
    }
   },
   "SettingUuidPath": {
    "in": "path",
    "name": "settingUuid",
    "required": true,
    "schema": {
     "format": "uuid",
     "type": "string"
    }
   },
   "SizeQuery": {
    "description": "The number of elements in the page",
    "in": "query",
    "name": "size",
    "required": false,
    "schema": {
     "default": 20,
     "maximum": 1000,
     "minimum": 1,
     "type": "integer"
    }
   },
   "StartDateAfterQuery": {
    "in": "query",
    "name": "startDateAfter",
    "required": false,
    "schema": {
     "format": "date-time",
     "type": "string"
    }
   },
   "StartDateBeforeQuery": {
    "in": "query",
    "name": "startDateBefore",
    "required": false,
    "schema": {
     "format": "date-time",
     "type": "string"
    }
   },
   "StatusQuery": {
    "in": "query",
    "name": "status",
    "required": false,
    "schema": {
     "items": {
      "enum": [
       "COMMITTED",
       "PAUSED",
       "RUNNING",
       "ARCHIVED",
       "DRAFT",
       "ERROR",
       "TO_ARCHIVE",
       "TO_DELETE"
      ],
      "type": "string"
     },
     "type": "array"
    }
   },
   "StepTypeQuery": {
    "in": "query",
    "name": "stepType",
    "required": false,
    "schema": {
     "enum": [
      "CLAB_CAMPAIGN",
      "CLAB_CAMPAIGN_SMS",
      "WEBHOOK",
      "TAG",
      "WAIT",
      "FROM_LAST_STEP",
      "WAIT_AND_CHECK",
      "WAIT_FOR_TRIGGER",
      "AB_TEST",
      "NO_ACTION",
      "ISSUE_CREDITS"
     ],
     "type": "string"
    }
   },
   "StepUuidQuery": {
    "in": "query",
    "name": "stepUuid",
    "required": false,
    "schema": {
     "format": "uuid",
     "type": "string"
    }
   },
   "TemplateIdPath": {
    "in": "path",
    "name": "templateId",
    "required": true,
    "schema": {
     "type": "integer"
    }
   }
  },
  "securitySchemes": {
   "OAuth2": {
    "type": "oauth2",
    "flows": {
     "clientCredentials": {
      "tokenUrl": "/oauth/token",
      "scopes": {}
     }
    }
   }
  }
 }
})json";
}  // namespace

void RegisterOpenApiRoute(http::Router& router) {
  http::RouteOptions options;
  options.public_route = true;
  options.needs_workspace = false;
  router.Add(&ContactflowFace(), "GET", "/contactflow/openapi.json",
             http::Sync([](const Call&) { return Response::Json(200, kOpenApi); }), options);
}

}  // namespace rivulet::api::contactflow
